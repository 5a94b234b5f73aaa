package dev.sqlorigin.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * {@code POST /api/campaign-participations/recompute}: the incident where an UPDATE without a WHERE
 * clause rewrote the whole table. The missing WHERE is the point; do not "fix" it.
 */
@SuppressWarnings("serial")
final class RecomputeServlet extends ApiServlet {

  private final DataSource dataSource;

  RecomputeServlet(DataSource dataSource) {
    super("POST");
    this.dataSource = dataSource;
  }

  @Override
  protected void handle(HttpServletRequest request, HttpServletResponse response)
      throws IOException, SQLException {
    int updated;
    // A plain Statement, unlike the other endpoints, so that the app exercises both JDBC paths.
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      updated = statement.executeUpdate("UPDATE campaign_participations SET updated_at = now()");
    }
    sendJson(response, 200, "{\"updated\":" + updated + "}");
  }
}
