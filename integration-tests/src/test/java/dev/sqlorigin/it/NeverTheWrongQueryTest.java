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
      AtomicBoolean done = new AtomicBoolean();
      CompletableFuture<List<String>> innocent =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> failures = new ArrayList<>();
                int requests = 0;
                while (!done.get()) {
                  Http.Response response =
                      Http.getOk(
                          app.port(),
                          "/shop/probe/cancellable/one",
                          "X-Request-Id: innocent-" + requests++);
                  failures.addAll(response.values("error"));
                }
                failures.add("requests=" + requests);
                return failures;
              });
      int cancelledWhileRunning = 0;
      int refusedBeforeRunning = 0;
      try {
        for (int i = 0; i < ABANDONED_REQUESTS; i++) {
          // Queued so long that 2 to 40 ms of the 2 s budget remain: the deadline lands at random
          // points of a loop of 2 ms statements.
          long queuedMicros = 2_000_000 - ThreadLocalRandom.current().nextLong(2_000, 40_000);
          long startMicros = System.currentTimeMillis() * 1000 - queuedMicros;
          Http.Response response =
              Http.getOk(
                  app.port(),
                  "/shop/probe/cancellable/loop",
                  "X-Request-Id: doomed-" + i,
                  "X-Request-Start: t=" + startMicros);
          for (String error : response.values("error")) {
            assertTrue(error.contains("request doomed-" + i + " "), error);
            cancelledWhileRunning += error.endsWith("cause=PSQLException") ? 1 : 0;
            refusedBeforeRunning += error.endsWith("cause=none") ? 1 : 0;
          }
        }
      } finally {
        done.set(true);
      }
      List<String> failures = innocent.join();
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
          ABANDONED_REQUESTS, cancelledWhileRunning, refusedBeforeRunning, requests);
    }
  }
}
