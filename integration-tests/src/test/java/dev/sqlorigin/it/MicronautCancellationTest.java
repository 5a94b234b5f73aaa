package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/**
 * The cancellation contract on Micronaut: Netty completes the channel's close future on the event
 * loop while the controller's thread is blocked in JDBC.
 */
class MicronautCancellationTest extends CancellationContract {

  @Override
  AppProcess.Builder application() {
    return MicronautApps.application();
  }

  @Override
  String cancellableRoute(String kind) {
    return "GET /shop/probe/{kind}/{id}";
  }
}
