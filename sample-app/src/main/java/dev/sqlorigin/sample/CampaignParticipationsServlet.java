package dev.sqlorigin.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** {@code GET /api/campaign-participations[?campaignId=N]}: a count, per campaign or overall. */
@SuppressWarnings("serial")
final class CampaignParticipationsServlet extends ApiServlet {

  private final DataSource dataSource;

  CampaignParticipationsServlet(DataSource dataSource) {
    super("GET");
    this.dataSource = dataSource;
  }

  @Override
  protected void handle(HttpServletRequest request, HttpServletResponse response)
      throws IOException, SQLException {
    boolean perCampaign = request.getParameter("campaignId") != null;
    int campaignId = intParameter(request, "campaignId", 0);
    long count;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                perCampaign
                    ? "SELECT count(*) FROM campaign_participations WHERE campaign_id = ?"
                    : "SELECT count(*) FROM campaign_participations")) {
      if (perCampaign) {
        statement.setInt(1, campaignId);
      }
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        count = rs.getLong(1);
      }
    }
    sendJson(response, 200, "{\"count\":" + count + "}");
  }
}
