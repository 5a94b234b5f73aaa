package dev.sqlorigin.it;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;

/** Never the wrong query, on Jetty. */
class NeverTheWrongQueryTest extends NeverTheWrongQueryContract {
  @Override
  AppProcess.Builder applicationWithOneConnection() {
    return AppProcess.main(JakartaApp.class).property("probe.pool.size", "1");
  }

  @Override
  int abandonedRequests() {
    return 1_500;
  }
}
