package dev.sqlorigin.it;

import dev.sqlorigin.it.apps.JavaxApp;
import dev.sqlorigin.it.support.AppProcess;

/** javax.servlet on Jetty 12 ee8. */
class JavaxServletTaggingTest extends ServletTaggingContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.main(JavaxApp.class);
  }
}
