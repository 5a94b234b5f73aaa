package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/** Jersey 4 ({@code jakarta.ws.rs}) on Tomcat 11. */
class Jersey4RoutesTest extends JerseyRoutesContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.testApp("jersey", "dev.sqlorigin.apps.jersey.JerseyApp");
  }
}
