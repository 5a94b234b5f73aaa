package dev.sqlorigin.it;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;

/** Hostile input on Jetty: the route is the path, cleaned and bounded. */
class HostileInputTest extends HostileInputContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.main(JakartaApp.class);
  }

  @Override
  String deeperRouteStart() {
    return "GET /shop/probe/prepared/";
  }

  @Override
  String deepRoute() {
    return "GET /shop/probe/prepared(/seg)+/\\{\\.\\.\\.\\}";
  }
}
