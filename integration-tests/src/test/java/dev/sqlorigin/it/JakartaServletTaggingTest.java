package dev.sqlorigin.it;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;

/** jakarta.servlet on Jetty 12 ee10, current pgjdbc, HikariCP and raw driver connections. */
class JakartaServletTaggingTest extends ServletTaggingContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.main(JakartaApp.class);
  }
}
