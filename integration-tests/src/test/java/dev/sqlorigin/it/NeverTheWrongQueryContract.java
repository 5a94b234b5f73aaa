package dev.sqlorigin.it;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.WrongQueryStress;
import dev.sqlorigin.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * One pooled connection shared by two streams of requests: one is abandoned at random moments
 * around the end of its short statements, the other runs statements of a few milliseconds on the
 * same connection in between ({@link WrongQueryStress}). A cancel that outlived its statement would
 * land on the other request's query.
 */
abstract class NeverTheWrongQueryContract {

  /** The application, with a pool of one connection. */
  abstract AppProcess.Builder applicationWithOneConnection();

  /** How many requests are abandoned. */
  abstract int abandonedRequests();

  @Test
  void abandonmentAtRandomMomentsNeverFailsAnotherRequestsStatement() throws Exception {
    try (AppProcess app =
        applicationWithOneConnection()
            .property("probe.record-cancels", "true")
            .property(Config.REQUEST_TIMEOUT, "2s")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      WrongQueryStress.run(app, abandonedRequests(), null);
    }
  }
}
