package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/**
 * Micronaut 4 on its Netty server, controller methods on its blocking executor, over HikariCP: the
 * route is the controller method's template under {@code micronaut.server.context-path}.
 */
class MicronautTaggingTest extends HttpTaggingContract {
  @Override
  AppProcess.Builder application() {
    return MicronautApps.application();
  }

  @Override
  String probeRoute(String kind, boolean withId) {
    return "GET /shop/probe/{kind}" + (withId ? "/{id}" : "");
  }

  @Override
  String requestThreads() {
    return MicronautApps.REQUEST_THREADS;
  }
}
