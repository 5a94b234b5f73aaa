package dev.sqlorigin.apps.jersey2;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import javax.ws.rs.GET;
import javax.ws.rs.POST;
import javax.ws.rs.Path;
import javax.ws.rs.PathParam;
import javax.ws.rs.Produces;
import javax.ws.rs.core.MediaType;

/**
 * {@code @Path} on the class and on the methods; each answer is the text of the statement it sent.
 */
@Path("/owners")
@Produces(MediaType.TEXT_PLAIN)
public class OwnersResource {

  private final DataSource database;

  OwnersResource(DataSource database) {
    this.database = database;
  }

  @GET
  public String list() throws SQLException {
    return sent(1);
  }

  @GET
  @Path("/{ownerId}/pets/{petId}")
  public String pet(@PathParam("ownerId") long ownerId, @PathParam("petId") long petId)
      throws SQLException {
    return sent(ownerId);
  }

  @POST
  @Path("{ownerId}/visits/")
  public String visit(@PathParam("ownerId") long ownerId) throws SQLException {
    return sent(ownerId);
  }

  private String sent(long ownerId) throws SQLException {
    try (Connection connection = database.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT current_query() FROM owners WHERE id = ?")) {
      select.setLong(1, ownerId);
      try (ResultSet rs = select.executeQuery()) {
        return "sent=" + (rs.next() ? rs.getString(1) : "none") + "\n";
      }
    }
  }
}
