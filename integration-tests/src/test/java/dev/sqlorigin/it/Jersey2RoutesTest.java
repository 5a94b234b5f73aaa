package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.RunsOnJava11;

/** Jersey 2 ({@code javax.ws.rs}) on Tomcat 9. */
@RunsOnJava11
class Jersey2RoutesTest extends JerseyRoutesContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.testApp("jersey2", "dev.sqlorigin.apps.jersey2.Jersey2App");
  }
}
