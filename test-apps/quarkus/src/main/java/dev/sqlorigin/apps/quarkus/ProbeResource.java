package dev.sqlorigin.apps.quarkus;

import dev.sqlorigin.apps.probe.ProbeHandler;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/**
 * The probe's endpoints on worker threads (blocking): {@code /probe/<kind>[/<id>]}, and {@code
 * /owners}, an exact path. ({@code test-apps/quarkus-virtual} adds {@code /virtual/...}.)
 */
@Path("/")
@Produces(MediaType.TEXT_PLAIN)
public class ProbeResource {

  @Inject ProbeHandler handler;

  @GET
  @Path("probe/{kind}")
  @Blocking
  public String probe(@PathParam("kind") String kind, @Context UriInfo uri) throws Exception {
    return handle("/" + kind, uri);
  }

  @GET
  @Path("probe/{kind}/{id}")
  @Blocking
  public String probeWithId(
      @PathParam("kind") String kind, @PathParam("id") String id, @Context UriInfo uri)
      throws Exception {
    return handle("/" + kind + "/" + id, uri);
  }

  /** Deeper paths (the hostile-input tests send them): the rest goes to the probe as is. */
  @GET
  @Path("probe/{kind}/{id}/{rest: .+}")
  @Blocking
  public String probeDeeper(
      @PathParam("kind") String kind,
      @PathParam("id") String id,
      @PathParam("rest") String rest,
      @Context UriInfo uri)
      throws Exception {
    return handle("/" + kind + "/" + id + "/" + rest, uri);
  }

  @GET
  @Path("owners")
  @Blocking
  public String owners(@Context UriInfo uri) throws Exception {
    return handle("/prepared", uri);
  }

  static String handle(ProbeHandler handler, String pathInfo, UriInfo uri) throws Exception {
    return handler.handle(pathInfo, name -> uri.getQueryParameters().getFirst(name));
  }

  private String handle(String pathInfo, UriInfo uri) throws Exception {
    return handle(handler, pathInfo, uri);
  }
}
