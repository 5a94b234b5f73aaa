package dev.sqlorigin.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** {@code GET /api/owners/{id}}: the everyday, fast primary-key lookup. */
@SuppressWarnings("serial")
final class OwnersServlet extends ApiServlet {

  private final DataSource dataSource;

  OwnersServlet(DataSource dataSource) {
    super("GET");
    this.dataSource = dataSource;
  }

  @Override
  protected void handle(HttpServletRequest request, HttpServletResponse response)
      throws IOException, SQLException {
    int id = ownerId(request.getPathInfo());
    String name = null;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("SELECT id, name FROM owners WHERE id = ?")) {
      statement.setInt(1, id);
      try (ResultSet rs = statement.executeQuery()) {
        if (rs.next()) {
          name = rs.getString("name");
        }
      }
    }
    if (name == null) {
      sendJson(response, 404, Json.error("no owner with id " + id));
    } else {
      sendJson(response, 200, "{\"id\":" + id + ",\"name\":" + Json.string(name) + "}");
    }
  }

  /** The path info of {@code /api/owners/42} is {@code /42}; of {@code /api/owners}, null. */
  private static int ownerId(String pathInfo) {
    if (pathInfo == null || pathInfo.equals("/")) {
      throw new ApiServlet.BadRequest("missing owner id, as in /api/owners/42");
    }
    String id = pathInfo.substring(1);
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new ApiServlet.BadRequest("owner id must be an integer, got '" + id + "'");
    }
  }
}
