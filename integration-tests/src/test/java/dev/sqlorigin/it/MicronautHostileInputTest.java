package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/** Hostile input on Micronaut: the route is the matched template, whatever the path. */
class MicronautHostileInputTest extends HostileInputContract {
  @Override
  AppProcess.Builder application() {
    return MicronautApps.application();
  }

  @Override
  String deeperRouteStart() {
    return "GET /shop/probe/{kind}/{id}";
  }

  @Override
  String deepRoute() {
    return "GET /shop/probe/\\{kind\\}/\\{id\\}/\\{\\+rest\\}";
  }
}
