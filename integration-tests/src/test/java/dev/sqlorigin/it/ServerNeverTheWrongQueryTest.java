package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;
import org.junit.jupiter.api.Nested;

/**
 * Never the wrong query, on Quarkus (Agroal) and Micronaut (HikariCP): fewer requests than on
 * Jetty, enough for both outcomes of the race (cancelled while running, refused before).
 */
class ServerNeverTheWrongQueryTest {

  @Nested
  class Quarkus extends NeverTheWrongQueryContract {
    @Override
    AppProcess.Builder applicationWithOneConnection() {
      return AppProcess.quarkusApp("quarkus")
          .property("quarkus.datasource.jdbc.min-size", "1")
          .property("quarkus.datasource.jdbc.initial-size", "1")
          .property("quarkus.datasource.jdbc.max-size", "1");
    }

    @Override
    int abandonedRequests() {
      return 500;
    }
  }

  @Nested
  class Micronaut extends NeverTheWrongQueryContract {
    @Override
    AppProcess.Builder applicationWithOneConnection() {
      return MicronautApps.application()
          .property("datasources.default.minimum-idle", "1")
          .property("datasources.default.maximum-pool-size", "1");
    }

    @Override
    int abandonedRequests() {
      return 500;
    }
  }
}
