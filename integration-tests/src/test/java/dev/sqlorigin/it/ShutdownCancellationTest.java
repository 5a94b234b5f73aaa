package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.it.support.RunsOnJava11;
import dev.sqlorigin.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An application stopped by SIGTERM with ten slow statements running. Without the agent PostgreSQL
 * goes on with them after the JVM is gone; with it, none is left.
 */
@RunsOnJava11
class ShutdownCancellationTest {

  static final int REQUESTS = 10;
  // How long after the JVM's exit the server is watched for the requests' statements.
  private static final long OBSERVED_NANOS = 5_000_000_000L;

  @Test
  void stoppingTheAppLeavesNoStatementRunning() throws Exception {
    assertEquals(0, runSleepsThenStop(AppProcess.probeApp(), "stop-agent-"));
  }

  @Test
  void withoutTheAgentTheStatementsOutliveTheApp() throws Exception {
    try {
      assertEquals(
          REQUESTS,
          runSleepsThenStop(AppProcess.probeApp().withoutAgent(), "stop-plain-"),
          "this test no longer shows the problem the agent solves");
    } finally {
      // Without the agent the texts carry no request ID: end every sleep (nothing else runs now).
      PgActivity.terminate("pg_sleep");
      PgActivity.awaitRunning("pg_sleep", 0, 10_000);
    }
  }

  /** Returns how many of the requests' statements still run after the app has exited. */
  private static int runSleepsThenStop(AppProcess.Builder builder, String idPrefix)
      throws Exception {
    return runThenStop(
        builder
            // Room for every request at once: server threads (less acceptor and selector), pool.
            .property("probe.threads", String.valueOf(REQUESTS + 4))
            .property("probe.pool.size", String.valueOf(REQUESTS + 2))
            .args(TestDatabase.get().jdbcUrlWithCredentials()),
        (port, i) ->
            HangingClient.get(
                port,
                "/shop/probe/cancellable/sleep?seconds=60.0" + (i + 1),
                "X-Request-Id: " + idPrefix + i));
  }

  /** Sends request {@code i} of the ten to the application listening on {@code port}. */
  interface SlowRequest {
    HangingClient send(int port, int i) throws Exception;
  }

  /**
   * Starts the application, sends it ten requests that each run a minute-long {@code pg_sleep},
   * stops the application (SIGTERM) once all ten run, and returns how many still run in PostgreSQL
   * after it has exited: once none is left, or 5 s after the exit, whichever comes first (with the
   * agent and without it alike).
   */
  static int runThenStop(AppProcess.Builder builder, SlowRequest request) throws Exception {
    // Counted by text, so no earlier test's sleep may still run.
    PgActivity.awaitRunning("pg_sleep", 0, 30_000);
    try (AppProcess app = builder.start()) {
      List<HangingClient> clients = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        clients.add(request.send(app.port(), i));
      }
      PgActivity.awaitRunning("pg_sleep", REQUESTS, 30_000);
      int exit = app.stop();
      assertTrue(exit == 143 || exit == 0, "exit code " + exit + "\n" + app.output());
      for (HangingClient client : clients) {
        client.close();
      }
      // The cancellations were sent before the JVM exited; the server acts on them a moment
      // later. Both runs are observed by the same rule, for as long: until none runs, 5 s at most.
      long deadline = System.nanoTime() + OBSERVED_NANOS;
      int running = PgActivity.running("pg_sleep");
      while (running > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10); // poll interval of the awaited condition
        running = PgActivity.running("pg_sleep");
      }
      return running;
    }
  }
}
