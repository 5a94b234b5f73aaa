package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/** Hostile input on Quarkus REST: the route is the matched template, whatever the path. */
class QuarkusHostileInputTest extends HostileInputContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.quarkusApp("quarkus");
  }

  @Override
  String deeperRouteStart() {
    return "GET /shop/probe/{kind}/{id}";
  }

  @Override
  String deepRoute() {
    return "GET /shop/probe/\\{kind\\}/\\{id\\}/\\{rest\\}";
  }
}
