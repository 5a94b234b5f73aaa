package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.Jmx;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An operator blocks the sample app's import route over JMX while an import runs: the running one
 * is abandoned (its statement cancelled), new ones are answered 503 before the servlet runs, other
 * routes go on, and unblocking restores the route.
 */
class RouteBlockTest {

  private static final String IMPORTS = "POST /api/imports";

  @Test
  void aRouteBlockedOverJmxIsRefusedBeforeItsHandlerAndItsRunningRequestAbandoned()
      throws Exception {
    int jmxPort = Jmx.freePort();
    try (AppProcess app =
            Jmx.enable(AppProcess.jar(AppProcess.sampleAppJar()), jmxPort)
                .property(Config.COMMENT_FIELDS, "route,request_id")
                .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
                .start();
        Jmx jmx = Jmx.connect(jmxPort)) {
      CompletableFuture<Http.Response> running = post(app, "/api/imports?seconds=60", "running-1");
      PgActivity.awaitRunning("request_id='running-1'", 1, 30_000);
      int pid = PgActivity.runningPids("request_id='running-1'").iterator().next();

      String outcome = (String) jmx.invoke("blockRoute", IMPORTS);
      assertEquals(
          "blocked POST /api/imports (JMX, this JVM only); blocks in force: POST /api/imports;"
              + " 1 running request abandoned",
          outcome);
      // The running import: abandoned, its statement cancelled, the application told why.
      Http.Response abandoned = running.get(30, TimeUnit.SECONDS);
      assertEquals(500, abandoned.status(), abandoned.body());
      assertTrue(
          abandoned
              .body()
              .contains(
                  "57014: sqlorigin: request running-1 (POST /api/imports) abandoned: its route was"
                      + " blocked by an operator"),
          abandoned.body());
      PgActivity.awaitRunning("request_id='running-1'", 0, 10_000);
      // Logged once the cancel has its outcome, a moment after the statement ended.
      String abandonedLine = app.awaitAgentLine("request running-1 (POST /api/imports) abandoned");
      assertTrue(abandonedLine.contains("backend pid " + pid), abandonedLine);

      // A new import: 503 at once, nothing of it reaches the database.
      int campaign = uniqueCampaign();
      Http.Response refused =
          Http.post(
              app.port(),
              "/api/imports?seconds=0&campaignId=" + campaign,
              "X-Request-Id: blocked-1");
      assertEquals(503, refused.status(), refused.body());
      assertEquals("60", refused.header("Retry-After"));
      assertEquals("blocked-1", refused.header("X-Request-Id"));
      assertTrue(
          refused
              .body()
              .startsWith(
                  "sqlorigin: POST /api/imports is blocked by the operator (rule 'POST /api/imports',"
                      + " JMX, this JVM only); retry later"),
          refused.body());
      assertEquals(
          List.of(),
          List.copyOf(PgActivity.queries("request_id='blocked-1'")),
          "sent to the database");
      assertEquals(0, importsOf(campaign), "the blocked import ran");

      // Other routes are not affected.
      Http.Response owner = Http.get(app.port(), "/api/owners/1", "X-Request-Id: other-1");
      assertEquals(200, owner.status(), owner.body());

      assertEquals(
          List.of("POST /api/imports (JMX, this JVM only)"),
          List.of((String[]) jmx.attribute("BlockedRoutes")));
      assertEquals(
          List.of("POST /api/imports blocked=1 limited=0"),
          List.of((String[]) jmx.attribute("RefusedRequests")));
      assertTrue(
          app.agentLines().stream()
              .anyMatch(
                  line ->
                      line.contains(
                          "JMX blockRoute: blocked POST /api/imports (JMX, this JVM only)")),
          String.join("\n", app.agentLines()));

      // A pattern that is not a route: refused with the reason, nothing changed.
      assertTrue(
          ((String) jmx.invoke("blockRoute", "api/imports"))
              .startsWith(
                  "nothing changed: 'api/imports' is not a route: the path must start with /"));

      assertEquals(
          "unblocked POST /api/imports; blocks in force: none",
          jmx.invoke("unblockRoute", IMPORTS));
      Http.Response restored =
          Http.post(
              app.port(), "/api/imports?seconds=0&campaignId=" + campaign, "X-Request-Id: after-1");
      assertEquals(200, restored.status(), restored.body());
      assertEquals(1, importsOf(campaign));
    }
  }

  /**
   * Refused requests answer on pooled container threads: none may leave its context bound there, or
   * the next request on the thread would run under it (and carry its ID).
   */
  @Test
  void aRefusedRequestLeavesNothingOnItsThread() throws Exception {
    try (AppProcess app =
        AppProcess.jar(AppProcess.sampleAppJar())
            .property(Config.ROUTES_BLOCKED, IMPORTS)
            .property(Config.ROUTES_MAX_CONCURRENT, "GET /api/owners/{id}=1")
            .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      for (int i = 0; i < 40; i++) {
        assertEquals(
            503,
            Http.post(app.port(), "/api/imports?seconds=0", "X-Request-Id: refused-" + i).status());
        Http.Response next = Http.get(app.port(), "/api/owners/1", "X-Request-Id: next-" + i);
        assertEquals(200, next.status(), next.body());
        // A new context started for it (and so echoed its ID): no refused one was left bound.
        assertEquals("next-" + i, next.header("X-Request-Id"));
      }
    }
  }

  static CompletableFuture<Http.Response> post(AppProcess app, String target, String requestId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Http.post(app.port(), target, "X-Request-Id: " + requestId);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  /** A campaign no other test imports into. */
  static int uniqueCampaign() {
    return 1_000_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000);
  }

  /** The rows the sample app's import recorded for a campaign: 1 once an import committed. */
  static int importsOf(int campaignId) throws Exception {
    try (var connection = TestDatabase.get().connect();
        var select =
            connection.prepareStatement("SELECT count(*) FROM imports WHERE campaign_id = ?")) {
      select.setInt(1, campaignId);
      try (var rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
