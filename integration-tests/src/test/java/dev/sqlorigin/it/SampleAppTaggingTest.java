package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's promise, end to end: the sample app under the real agent jar, a statement held on a
 * lock, and {@code pg_stat_activity} read from another connection names its route and request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleAppTaggingTest {

  private static final String RECOMPUTE = "/api/campaign-participations/recompute";
  private AppProcess app;

  @BeforeAll
  void start() throws Exception {
    app = AppProcess.jar(AppProcess.sampleAppJar())
        .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
        .start();
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  @Test
  void heldStatementShowsRouteAndTheRequestIdItWasSent() throws Exception {
    String query = holdRecomputeAndReadActivity("X-Request-Id: incident-7");
    assertTrue(query.startsWith("/*sqlorigin route='POST /api/campaign-participations/recompute'"
        + " request_id='incident-7'*/ UPDATE campaign_participations"), query);
  }

  @Test
  void heldStatementShowsTheGeneratedRequestIdEchoedToTheClient() throws Exception {
    CompletableFuture<Http.Response> response = new CompletableFuture<>();
    String query = holdRecomputeAndReadActivity(response);
    String generated = response.join().header("X-Request-Id");
    assertTrue(generated.matches("[0-9a-f]{32}"), generated);
    assertTrue(query.startsWith("/*sqlorigin route='POST /api/campaign-participations/recompute'"
        + " request_id='" + generated + "'*/ UPDATE"), query);
  }

  @Test
  void routeTemplateHidesIdsAndTheQueryString() throws Exception {
    Http.Response response = Http.get(app.port(), "/api/owners/42?token=secret", "X-Request-Id: read-1");
    assertEquals(200, response.status(), response.body());
    assertEquals("read-1", response.header("X-Request-Id"));
    List<String> lines = app.agentLines();
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).contains("started"), lines.get(0));
  }

  private String holdRecomputeAndReadActivity(String... headers) throws Exception {
    return holdRecomputeAndReadActivity(new CompletableFuture<>(), headers);
  }

  /** Locks the table, sends the full-table UPDATE, and returns its text as pg_stat_activity shows it. */
  private String holdRecomputeAndReadActivity(CompletableFuture<Http.Response> response, String... headers)
      throws Exception {
    // Earlier requests' texts stay visible on idle pooled backends: only a new one will do.
    java.util.Set<String> before = PgActivity.queries("UPDATE campaign_participations");
    try (Connection locker = TestDatabase.get().connect(); Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE campaign_participations IN ACCESS EXCLUSIVE MODE");
      CompletableFuture.runAsync(() -> {
        try {
          response.complete(Http.post(app.port(), RECOMPUTE, headers));
        } catch (Exception e) {
          response.completeExceptionally(e);
        }
      });
      String query = PgActivity.awaitWaitingQuery("UPDATE campaign_participations", text -> !before.contains(text));
      locker.commit();
      assertEquals(200, response.get().status(), response.get().body());
      return query;
    }
  }
}
