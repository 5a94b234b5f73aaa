package dev.sqlorigin.it;

import static dev.sqlorigin.it.TaggingContract.assertTagged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Quarkus REST endpoints on virtual threads ({@code @RunOnVirtualThread}, {@code
 * test-apps/quarkus-virtual}): their statements carry the route and request ID, nothing stays on
 * the carrier, and a client's disconnect cancels them. Quarkus builds such endpoints only on JDK
 * 21+: on an older JDK these tests are skipped, saying so; CI runs them on JDK 25.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuarkusVirtualThreadTest {

  private AppProcess app;

  @BeforeAll
  void start() throws Exception {
    int jdk = AppProcess.applicationJdk();
    Assumptions.assumeTrue(
        jdk >= 21,
        "@RunOnVirtualThread needs JDK 21+, the applications run on JDK "
            + jdk
            + ": skipped (CI runs it on JDK 25)");
    app =
        AppProcess.quarkusApp("quarkus-virtual")
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void statementsOnAVirtualThreadCarryTheRouteAndRequestId() throws Exception {
    for (int i = 0; i < 5; i++) {
      String id = "virtual-" + i;
      Http.Response response =
          Http.get(app.port(), "/shop/virtual/prepared/" + i, "X-Request-Id: " + id);
      assertEquals(200, response.status(), response.body());
      assertEquals(id, response.header("X-Request-Id"));
      assertTrue(
          response.values("thread").get(0).startsWith("quarkus-virtual-thread-"), response.body());
      assertTagged(response.values("sent").get(0), "GET /shop/virtual/{kind}/{id}", id);
    }
  }

  @Test
  void clientDisconnectCancelsTheStatementOfAVirtualThread() throws Exception {
    try (HangingClient gone =
        HangingClient.get(
            app.port(), "/shop/virtual/cancellable/sleep?seconds=60", "X-Request-Id: vgone-1")) {
      PgActivity.awaitRunning("request_id='vgone-1'", 1, 30_000);
    }
    PgActivity.awaitRunning("request_id='vgone-1'", 0, 10_000);
    app.awaitOutput(
        "request vgone-1 (GET /shop/virtual/{kind}/{id}) abandoned: client disconnected");
  }
}
