package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Quarkus and Micronaut stopped by SIGTERM with ten slow requests running, as the sample app is in
 * {@link ShutdownCancellationTest}: with the agent, none of their statements is left running.
 */
class ServerShutdownTest {

  private static final String POOL = String.valueOf(ShutdownCancellationTest.REQUESTS + 2);

  @Test
  void stoppingQuarkusLeavesNoStatementRunning() throws Exception {
    assertEquals(
        0,
        ShutdownCancellationTest.runThenStop(
            AppProcess.quarkusApp("quarkus")
                .property("quarkus.datasource.jdbc.max-size", POOL)
                .args(TestDatabase.get().jdbcUrlWithCredentials()),
            ServerShutdownTest::sleep));
  }

  @Test
  void stoppingMicronautLeavesNoStatementRunning() throws Exception {
    assertEquals(
        0,
        ShutdownCancellationTest.runThenStop(
            MicronautApps.application()
                .property("datasources.default.maximum-pool-size", POOL)
                .args(TestDatabase.get().jdbcUrlWithCredentials()),
            ServerShutdownTest::sleep));
  }

  private static HangingClient sleep(int port, int i) throws Exception {
    return HangingClient.get(
        port,
        "/shop/probe/cancellable/sleep?seconds=60.0" + (i + 1),
        "X-Request-Id: stop-server-" + i);
  }
}
