package dev.sqlorigin.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@code GET /api/campaigns/{id}?learner=N}: a page built from three small joins. Each touches a
 * handful of rows through indexes, so planning is a large part of its cost: the workload where a
 * statement text that changes per request (and so is never prepared on the server) shows.
 */
@SuppressWarnings("serial")
final class CampaignReportServlet extends ApiServlet {

  private static final String CAMPAIGN =
      "SELECT c.id, c.name, o.name AS owner FROM campaigns c"
          + " JOIN owners o ON o.id = c.owner_id WHERE c.id = ?";
  private static final String PARTICIPATION =
      "SELECT p.status, p.updated_at, max(i.created_at) AS last_import"
          + " FROM campaign_participations p JOIN campaigns c ON c.id = p.campaign_id"
          + " JOIN owners o ON o.id = c.owner_id LEFT JOIN imports i ON i.campaign_id = c.id"
          + " WHERE p.campaign_id = ? AND p.learner = ? GROUP BY p.status, p.updated_at";
  private static final String IMPORTS =
      "SELECT i.id, i.rows, o.name FROM imports i"
          + " JOIN campaigns c ON c.id = i.campaign_id JOIN owners o ON o.id = c.owner_id"
          + " WHERE i.campaign_id = ? ORDER BY i.created_at DESC LIMIT 5";

  private final DataSource dataSource;

  CampaignReportServlet(DataSource dataSource) {
    super("GET");
    this.dataSource = dataSource;
  }

  @Override
  protected void handle(HttpServletRequest request, HttpServletResponse response)
      throws IOException, SQLException {
    int id = campaignId(request.getPathInfo());
    String learner = "learner-" + intParameter(request, "learner", id);
    StringBuilder json = new StringBuilder();
    try (Connection connection = dataSource.getConnection()) {
      try (PreparedStatement statement = connection.prepareStatement(CAMPAIGN)) {
        statement.setInt(1, id);
        try (ResultSet rs = statement.executeQuery()) {
          if (!rs.next()) {
            sendJson(response, 404, Json.error("no campaign with id " + id));
            return;
          }
          json.append("{\"id\":")
              .append(id)
              .append(",\"name\":")
              .append(Json.string(rs.getString("name")))
              .append(",\"owner\":")
              .append(Json.string(rs.getString("owner")));
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(PARTICIPATION)) {
        statement.setInt(1, id);
        statement.setString(2, learner);
        try (ResultSet rs = statement.executeQuery()) {
          json.append(",\"learner\":")
              .append(Json.string(learner))
              .append(",\"status\":")
              .append(rs.next() ? Json.string(rs.getString("status")) : "null");
        }
      }
      try (PreparedStatement statement = connection.prepareStatement(IMPORTS)) {
        statement.setInt(1, id);
        int imports = 0;
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            imports++;
          }
        }
        json.append(",\"recentImports\":").append(imports).append('}');
      }
    }
    sendJson(response, 200, json.toString());
  }

  private static int campaignId(String pathInfo) {
    if (pathInfo == null || pathInfo.equals("/")) {
      throw new ApiServlet.BadRequest("missing campaign id, as in /api/campaigns/7");
    }
    String id = pathInfo.substring(1);
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new ApiServlet.BadRequest("campaign id must be an integer, got '" + id + "'");
    }
  }
}
