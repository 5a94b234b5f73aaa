package dev.sqlorigin.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@code POST /api/imports?campaignId=N&seconds=S}: the slow import that outlives the router's
 * timeout. The client is long gone when the transaction commits, and only the database still sees
 * the work.
 */
@SuppressWarnings("serial")
final class ImportsServlet extends ApiServlet {

  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(300);

  private final DataSource dataSource;

  ImportsServlet(DataSource dataSource) {
    super("POST");
    this.dataSource = dataSource;
  }

  @Override
  protected void handle(HttpServletRequest request, HttpServletResponse response)
      throws IOException, SQLException {
    int campaignId = intParameter(request, "campaignId", 1);
    double seconds = seconds(request.getParameter("seconds"));
    int imported;
    try (Connection connection = dataSource.getConnection()) {
      // No need to restore autocommit afterwards: Hikari resets it when the connection goes back to
      // the pool.
      connection.setAutoCommit(false);
      try {
        imported = runImport(connection, campaignId, seconds);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
    sendJson(response, 200, "{\"imported\":" + imported + "}");
  }

  private static int runImport(Connection connection, int campaignId, double seconds)
      throws SQLException {
    // Stands in for the slow part of a real import (parsing an upload, calling another service).
    try (PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
      sleep.setDouble(1, seconds);
      sleep.executeQuery().close();
    }
    int rows;
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE campaign_participations SET status = 'imported', updated_at = now() WHERE campaign_id = ?")) {
      update.setInt(1, campaignId);
      rows = update.executeUpdate();
    }
    try (PreparedStatement insert =
        connection.prepareStatement("INSERT INTO imports(campaign_id, rows) VALUES (?, ?)")) {
      insert.setInt(1, campaignId);
      insert.setInt(2, rows);
      insert.executeUpdate();
    }
    return rows;
  }

  // BigDecimal rather than Double.parseDouble, which also accepts "NaN", "Infinity", "1e1d" and hex
  // floats.
  private static double seconds(String value) {
    if (value == null) {
      return 5;
    }
    BigDecimal seconds;
    try {
      seconds = new BigDecimal(value.trim());
    } catch (NumberFormatException e) {
      throw new ApiServlet.BadRequest("seconds must be a number, got '" + value + "'");
    }
    if (seconds.signum() < 0 || seconds.compareTo(MAX_SECONDS) > 0) {
      throw new ApiServlet.BadRequest("seconds must be between 0 and 300, got " + value);
    }
    return seconds.doubleValue();
  }
}
