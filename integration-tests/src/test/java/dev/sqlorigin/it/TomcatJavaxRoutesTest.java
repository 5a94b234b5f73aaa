package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/** javax.servlet on embedded Tomcat 9. */
class TomcatJavaxRoutesTest extends TomcatServletRoutesContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.testApp("tomcat-javax", "dev.sqlorigin.apps.tomcatjavax.TomcatJavaxApp");
  }
}
