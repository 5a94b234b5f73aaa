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

  private static final int SLEEPS = 10;

  @Test
  void stoppingTheAppLeavesNoStatementRunning() throws Exception {
    assertEquals(0, runSleepsThenStop(AppProcess.probeApp(), "stop-agent-"));
  }

  @Test
  void withoutTheAgentTheStatementsOutliveTheApp() throws Exception {
    try {
      assertEquals(
          SLEEPS,
          runSleepsThenStop(AppProcess.probeApp().withoutAgent(), "stop-plain-"),
          "this test no longer shows the problem the agent solves");
    } finally {
      // Without the agent the texts carry no request ID: end every sleep (nothing else runs now).
      PgActivity.terminate("pg_sleep");
      PgActivity.awaitRunning("pg_sleep", 0, 10_000);
    }
  }

  /** Returns how many of the requests' statements still run once the app has exited. */
  private static int runSleepsThenStop(AppProcess.Builder builder, String idPrefix)
      throws Exception {
    // Counted by text, so no earlier test's sleep may still run.
    PgActivity.awaitRunning("pg_sleep", 0, 30_000);
    try (AppProcess app =
        builder
            // Room for every request at once: server threads (less acceptor and selector), pool.
            .property("probe.threads", String.valueOf(SLEEPS + 4))
            .property("probe.pool.size", String.valueOf(SLEEPS + 2))
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      List<HangingClient> clients = new ArrayList<>();
      for (int i = 0; i < SLEEPS; i++) {
        clients.add(
            HangingClient.get(
                app.port(),
                "/shop/probe/cancellable/sleep?seconds=60.0" + (i + 1),
                "X-Request-Id: " + idPrefix + i));
      }
      PgActivity.awaitRunning("pg_sleep", SLEEPS, 30_000);
      int exit = app.stop();
      assertTrue(exit == 143 || exit == 0, "exit code " + exit + "\n" + app.output());
      for (HangingClient client : clients) {
        client.close();
      }
      // The cancellations were sent before the JVM exited; give the server a moment to act on them.
      long deadline = System.nanoTime() + 5_000_000_000L;
      int running = PgActivity.running("pg_sleep");
      while (running > 0 && System.nanoTime() < deadline && !idPrefix.contains("plain")) {
        Thread.sleep(10); // poll interval of the awaited condition
        running = PgActivity.running("pg_sleep");
      }
      return running;
    }
  }
}
