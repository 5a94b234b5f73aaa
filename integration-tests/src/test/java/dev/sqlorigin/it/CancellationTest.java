package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.it.support.RunsOnJava11;
import dev.sqlorigin.testing.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The cancellation contract on Jetty (jakarta.servlet), where a disconnect is seen in the kernel's
 * socket table (CLOSE_WAIT), also behind a proxy that rewrote the remote address.
 */
@RunsOnJava11
class CancellationTest extends CancellationContract {

  @Override
  AppProcess.Builder application() {
    return AppProcess.probeApp();
  }

  @Override
  String cancellableRoute(String kind) {
    return "GET /shop/probe/cancellable/" + kind;
  }

  @Test
  void clientDisconnectIsSeenWhenAForwardedHeaderRewroteTheRemoteAddress() throws Exception {
    try (AppProcess proxied =
        withIdInComment(AppProcess.probeApp())
            .property("probe.forwarded", "true")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      String forwarded = "X-Forwarded-For: 203.0.113.7";
      assertTrue(
          Http.get(proxied.port(), "/shop/probe/cancellable/one", forwarded)
              .header("X-Seen-Remote")
              .startsWith("203.0.113.7:"),
          "the application must see the rewritten address");
      try (HangingClient gone =
          HangingClient.get(
              proxied.port(),
              "/shop/probe/cancellable/sleep?seconds=60",
              "X-Request-Id: proxied-1",
              forwarded)) {
        PgActivity.awaitRunning("request_id='proxied-1'", 1, 30_000);
      }
      PgActivity.awaitRunning("request_id='proxied-1'", 0, 10_000);
    }
  }
}
