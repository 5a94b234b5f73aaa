package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.Jmx;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.it.support.RunsOnJava11;
import dev.sqlorigin.testing.TestDatabase;
import java.util.concurrent.CompletableFuture;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.Test;

/** An operator lists the requests in flight over JMX and cancels one by ID, another by route. */
@RunsOnJava11
class OperatorCancellationTest {

  @Test
  void operatorListsAndCancelsByRequestIdAndByRoute() throws Exception {
    int jmxPort = Jmx.freePort();
    try (AppProcess app =
            Jmx.enable(CancellationContract.withIdInComment(AppProcess.probeApp()), jmxPort)
                .args(TestDatabase.get().jdbcUrlWithCredentials())
                .start();
        Jmx jmx = Jmx.connect(jmxPort)) {

      CompletableFuture<Http.Response> byId = slow(app, "op-1");
      CompletableFuture<Http.Response> byRoute = slow(app, "op-2");
      PgActivity.awaitRunning("request_id='op-", 2, 30_000);
      String[] listed = (String[]) jmx.attribute("Requests");
      assertEquals(2, listed.length, String.join("\n", listed));
      assertTrue(listed[0].startsWith("GET /shop/probe/cancellable/sleep | op-"), listed[0]);
      // Each request names the backend running its statement, as pg_stat_activity shows it.
      for (String line : listed) {
        String id = line.split(" \\| ")[1];
        int pid = PgActivity.runningPids("request_id='" + id + "'").iterator().next();
        assertTrue(line.contains("| backend pid " + pid), line);
      }

      assertEquals(1, jmx.invoke("cancelRequest", "op-1"));
      assertTrue(
          byId.join()
              .values("error")
              .get(0)
              .contains(
                  "op-1 (GET /shop/probe/cancellable/sleep) abandoned: cancelled by an operator"));
      assertEquals(
          1,
          PgActivity.running("request_id='op-2'"),
          "cancelling by ID must leave the other request alone");

      assertEquals(1, jmx.invoke("cancelRoute", "GET /shop/probe/cancellable/sleep"));
      assertTrue(byRoute.join().values("error").get(0).contains("op-2"));
      PgActivity.awaitRunning("request_id='op-", 0, 10_000);

      TabularData counts = (TabularData) jmx.attribute("AbandonedByReason");
      CompositeData operator = counts.get(new Object[] {"operator"});
      assertEquals(2L, operator.get("value"));
      assertEquals(2L, jmx.attribute("StatementsCancelled"));
    }
  }

  private static CompletableFuture<Http.Response> slow(AppProcess app, String id) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Http.get(
                app.port(), "/shop/probe/cancellable/sleep?seconds=60", "X-Request-Id: " + id);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }
}
