package dev.sqlorigin.apps.micronaut;

import dev.sqlorigin.apps.probe.ProbeHandler;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * The probe's endpoints, off the event loop (Micronaut's blocking executor: virtual threads on JDK
 * 21+): {@code /probe/<kind>[/<id>]}, and {@code /owners}, an exact path.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class ProbeController {

  private final ProbeHandler handler;

  ProbeController(ProbeHandler handler) {
    this.handler = handler;
  }

  @Get(uri = "/probe/{kind}", produces = MediaType.TEXT_PLAIN)
  String probe(@PathVariable String kind, HttpRequest<?> request) throws Exception {
    return handle("/" + kind, request);
  }

  @Get(uri = "/probe/{kind}/{id}", produces = MediaType.TEXT_PLAIN)
  String probeWithId(@PathVariable String kind, @PathVariable String id, HttpRequest<?> request)
      throws Exception {
    return handle("/" + kind + "/" + id, request);
  }

  /** Deeper paths (the hostile-input tests send them): the rest goes to the probe as is. */
  @Get(uri = "/probe/{kind}/{id}/{+rest}", produces = MediaType.TEXT_PLAIN)
  String probeDeeper(
      @PathVariable String kind,
      @PathVariable String id,
      @PathVariable String rest,
      HttpRequest<?> request)
      throws Exception {
    return handle("/" + kind + "/" + id + "/" + rest, request);
  }

  @Get(uri = "/owners", produces = MediaType.TEXT_PLAIN)
  String owners(HttpRequest<?> request) throws Exception {
    return handle("/prepared", request);
  }

  private String handle(String pathInfo, HttpRequest<?> request) throws Exception {
    return handler.handle(pathInfo, name -> request.getParameters().get(name));
  }
}
