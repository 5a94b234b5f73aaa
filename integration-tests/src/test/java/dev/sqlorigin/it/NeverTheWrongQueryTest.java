package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * One pooled connection shared by two streams of requests: one is abandoned at random moments
 * around the end of its short statements, the other runs statements on the same connection in
 * between. A cancel that outlived its statement would land on the other request's query.
 */
class NeverTheWrongQueryTest {

  private static final int ABANDONED_REQUESTS = 1_500;

  @Test
  void abandonmentAtRandomMomentsNeverFailsAnotherRequestsStatement() throws Exception {
    try (AppProcess app =
        AppProcess.main(JakartaApp.class)
            .property("probe.pool.size", "1")
            .property(Config.REQUEST_TIMEOUT, "2s")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      assertNeverTheWrongQuery(
          ABANDONED_REQUESTS,
          i -> {
            // Queued so long that 2 to 40 ms of the 2 s budget remain: the deadline lands at
            // random points of a loop of 2 ms statements.
            long queuedMicros = 2_000_000 - ThreadLocalRandom.current().nextLong(2_000, 40_000);
            long startMicros = System.currentTimeMillis() * 1000 - queuedMicros;
            return Http.getOk(
                    app.port(),
                    "/shop/probe/cancellable/loop",
                    "X-Request-Id: doomed-" + i,
                    "X-Request-Start: t=" + startMicros)
                .values("error");
          },
          id ->
              Http.getOk(app.port(), "/shop/probe/cancellable/one", "X-Request-Id: " + id)
                  .values("error"));
    }
  }

  /**
   * Sends {@code abandoned} doomed requests one after the other ({@code doomed.apply(i)}, which
   * must give request {@code doomed-<i>} up at a random moment of the probe's {@code
   * /cancellable/loop} and return the errors it answered, or null if it never ran), while innocent
   * requests ({@code innocent.apply(requestId)}: the probe's {@code /cancellable/one}, returning
   * its errors) run on the same single pooled connection: none of them may fail, and both sides of
   * the race must have been hit (statements cancelled while running, and calls refused before).
   */
  static void assertNeverTheWrongQuery(
      int abandoned, IntFunction<List<String>> doomed, Function<String, List<String>> innocent) {
    AtomicBoolean done = new AtomicBoolean();
    Supplier<List<String>> innocentRequests =
        () -> {
          List<String> failures = new ArrayList<>();
          int requests = 0;
          while (!done.get()) {
            failures.addAll(innocent.apply("innocent-" + requests++));
          }
          failures.add("requests=" + requests);
          return failures;
        };
    CompletableFuture<List<String>> innocentFailures =
        CompletableFuture.supplyAsync(innocentRequests);
    int cancelledWhileRunning = 0;
    int refusedBeforeRunning = 0;
    try {
      for (int i = 0; i < abandoned; i++) {
        List<String> errors = doomed.apply(i);
        for (String error : errors == null ? List.<String>of() : errors) {
          assertTrue(error.contains("request doomed-" + i + " "), error);
          cancelledWhileRunning += error.endsWith("cause=PSQLException") ? 1 : 0;
          refusedBeforeRunning += error.endsWith("cause=none") ? 1 : 0;
        }
      }
    } finally {
      done.set(true);
    }
    List<String> failures = innocentFailures.join();
    String requests = failures.remove(failures.size() - 1);
    assertEquals(
        List.of(), failures, "statements of requests nobody abandoned failed (" + requests + ")");
    assertTrue(
        cancelledWhileRunning > 0 && refusedBeforeRunning > 0,
        "the race was not exercised: cancelled "
            + cancelledWhileRunning
            + ", refused "
            + refusedBeforeRunning);
    System.out.printf(
        "never-the-wrong-query: %d abandoned (%d cancelled while running, %d refused), innocent %s%n",
        abandoned, cancelledWhileRunning, refusedBeforeRunning, requests);
  }
}
