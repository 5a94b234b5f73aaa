package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/**
 * Quarkus REST (RESTEasy Reactive on Vert.x) with blocking endpoints on its worker threads, over
 * Agroal, run from its {@code quarkus-run.jar}: the route is the resource method's template under
 * {@code quarkus.http.root-path}.
 */
class QuarkusTaggingTest extends HttpTaggingContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.quarkusApp("quarkus");
  }

  @Override
  String probeRoute(String kind, boolean withId) {
    return "GET /shop/probe/{kind}" + (withId ? "/{id}" : "");
  }

  @Override
  String requestThreads() {
    return "executor-thread-\\d+";
  }
}
