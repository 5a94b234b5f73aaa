package dev.sqlorigin.it;

import static dev.sqlorigin.it.TaggingContract.assertTagged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every servlet application under the agent must show for a request that goes async: it stays
 * one request. The tasks of AsyncContext.start and the async dispatch carry its route and ID, the
 * container's async timeout abandons it, and it leaves the registry when it ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServletAsyncContract {

  AppProcess app;

  abstract AppProcess.Builder application();

  @BeforeAll
  void start() throws Exception {
    app =
        application()
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void aTaskOfAsyncContextStartCarriesTheRequest() throws Exception {
    Http.Response response =
        Http.getOk(app.port(), "/shop/async/start", "X-Request-Id: async-start");
    assertEquals("async-start", response.header("X-Request-Id"));
    assertTagged(response.values("sent").get(0), "GET /shop/async/start", "async-start");
  }

  @Test
  void theAsyncDispatchJoinsTheRequestInsteadOfStartingOne() throws Exception {
    Http.Response response =
        Http.getOk(app.port(), "/shop/async/dispatch", "X-Request-Id: async-dispatch");
    List<String> sent = response.values("sent");
    assertEquals(2, sent.size(), response.body());
    for (String text : sent) {
      assertTagged(text, "GET /shop/async/dispatch", "async-dispatch");
    }
  }

  @Test
  void anAsyncRequestLeavesTheRegistryWhenItCompletesOrTimesOut() throws Exception {
    Http.getOk(app.port(), "/shop/async/start", "X-Request-Id: leave-start");
    Http.getOk(app.port(), "/shop/async/dispatch", "X-Request-Id: leave-dispatch");
    assertEquals(
        500,
        Http.get(
                app.port(),
                "/shop/async/sleep?timeout=500&seconds=60",
                "X-Request-Id: leave-timeout")
            .status());
    // The container reports completion after the response went out: await it.
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<String> active;
    do {
      active = Http.getOk(app.port(), "/shop/probe/requests").values("request");
    } while (active.stream().anyMatch(line -> line.contains("leave-"))
        && System.nanoTime() < deadline);
    assertEquals(
        List.of(),
        active.stream().filter(line -> line.contains("leave-")).toList(),
        "async requests still registered as active");
    assertEquals(1, active.size(), "only the listing request itself: " + active);
  }

  @Test
  void theAsyncTimeoutCancelsTheRequestsStatementAndSaysWhy() throws Exception {
    Http.Response response =
        Http.get(
            app.port(), "/shop/async/sleep?timeout=1000&seconds=60", "X-Request-Id: async-timeout");
    assertEquals(
        500,
        response.status(),
        "Jetty answers an unhandled async timeout with 500: " + response.body());
    PgActivity.awaitRunning("request_id='async-timeout'", 0, 10_000);
    // Logged once the cancel has its outcome, a moment after the statement ended.
    String line = app.awaitAgentLine("request async-timeout (GET /shop/async/sleep) abandoned");
    assertTrue(
        java.util.regex.Pattern.compile(
                "abandoned: async timeout after 1\\.\\d s; cancelled 1 statement; backend pid \\d+$")
            .matcher(line)
            .find(),
        line);
  }
}
