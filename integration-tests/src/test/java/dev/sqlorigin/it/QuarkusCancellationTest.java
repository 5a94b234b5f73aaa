package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/**
 * The cancellation contract on Quarkus REST: Vert.x reports the client's close on the event loop
 * while the worker thread is blocked in JDBC.
 */
class QuarkusCancellationTest extends CancellationContract {

  @Override
  AppProcess.Builder application() {
    return AppProcess.quarkusApp("quarkus");
  }

  @Override
  String cancellableRoute(String kind) {
    return "GET /shop/probe/{kind}/{id}";
  }
}
