package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/** jakarta.servlet on embedded Tomcat 11. */
class TomcatJakartaRoutesTest extends TomcatServletRoutesContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.testApp(
        "tomcat-jakarta", "dev.sqlorigin.apps.tomcatjakarta.TomcatJakartaApp");
  }
}
