package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.RunsOnJava11;

/** javax.servlet on embedded Tomcat 9. */
@RunsOnJava11
class TomcatJavaxRoutesTest extends TomcatServletRoutesContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.testApp("tomcat-javax", "dev.sqlorigin.apps.tomcatjavax.TomcatJavaxApp");
  }
}
