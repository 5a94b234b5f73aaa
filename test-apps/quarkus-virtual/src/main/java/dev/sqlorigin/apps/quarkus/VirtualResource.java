package dev.sqlorigin.apps.quarkus;

import dev.sqlorigin.apps.probe.ProbeHandler;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/**
 * The probe on virtual threads: {@code /virtual/<kind>[/<id>]}. Quarkus refuses to build
 * {@code @RunOnVirtualThread} on a JDK before 21, hence a module of its own, built on 21+.
 */
@Path("/virtual")
@Produces(MediaType.TEXT_PLAIN)
public class VirtualResource {

  @Inject ProbeHandler handler;

  @GET
  @Path("{kind}")
  @RunOnVirtualThread
  public String virtual(@PathParam("kind") String kind, @Context UriInfo uri) throws Exception {
    return ProbeResource.handle(handler, "/" + kind, uri);
  }

  @GET
  @Path("{kind}/{id}")
  @RunOnVirtualThread
  public String virtualWithId(
      @PathParam("kind") String kind, @PathParam("id") String id, @Context UriInfo uri)
      throws Exception {
    return ProbeResource.handle(handler, "/" + kind + "/" + id, uri);
  }
}
