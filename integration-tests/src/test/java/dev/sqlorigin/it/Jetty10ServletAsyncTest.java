package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.RunsOnJava11;

/** javax.servlet on Jetty 10. */
@RunsOnJava11
class Jetty10ServletAsyncTest extends ServletAsyncContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.testApp("jetty10", "dev.sqlorigin.apps.jetty10.Jetty10App");
  }
}
