package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HeldRequest;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import java.util.function.Predicate;
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

  private AppProcess app;

  @BeforeAll
  void start() throws Exception {
    // As the README's demo runs it: the request ID in application_name.
    app =
        AppProcess.jar(AppProcess.sampleAppJar())
            .property(Config.REQUEST_ID_APPLICATION_NAME, "true")
            .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  @Test
  void heldStatementShowsItsRouteAndItsConnectionTheRequestId() throws Exception {
    PgActivity.Backend held =
        recompute(
                backend -> backend.applicationName().endsWith(" req=incident-7"),
                "X-Request-Id: incident-7")
            .backend();
    // The text stays the same for every request of the route, so the driver keeps it prepared.
    assertEquals(
        "/*sqlorigin route='POST /api/campaign-participations/recompute'*/"
            + " UPDATE campaign_participations SET updated_at = now()",
        held.query());
    assertEquals("PostgreSQL JDBC Driver req=incident-7", held.applicationName());
  }

  @Test
  void heldStatementShowsTheGeneratedRequestIdEchoedToTheClient() throws Exception {
    HeldRequest.Held held =
        recompute(backend -> backend.applicationName().matches(".* req=[0-9a-f]{32}"));
    String generated = held.response().header("X-Request-Id");
    assertEquals("PostgreSQL JDBC Driver req=" + generated, held.backend().applicationName());
  }

  @Test
  void routeTemplateHidesIdsAndTheQueryString() throws Exception {
    HeldRequest.Held held =
        HeldRequest.send(
            app.port(),
            "GET",
            "/api/owners/42?token=secret",
            "owners",
            // The SELECT, not the SET of application_name just before it: a backend that has just
            // started waiting can still show its previous text, under its new name.
            backend ->
                backend.applicationName().endsWith(" req=read-1")
                    && backend.query().contains("FROM owners"),
            "X-Request-Id: read-1");
    assertEquals(200, held.response().status(), held.response().body());
    assertEquals("read-1", held.response().header("X-Request-Id"));
    assertEquals(
        "/*sqlorigin route='GET /api/owners/{id}'*/ SELECT id, name FROM owners WHERE id = $1",
        held.activity());
    assertFalse(held.activity().contains("42"), held.activity());
    assertFalse(held.activity().contains("secret"), held.activity());
  }

  @Test
  void agentLogsOneStartLineAndNothingPerRequest() throws Exception {
    Http.getOk(app.port(), "/api/owners/1", "X-Request-Id: quiet-1");
    List<String> lines = app.agentLines();
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).contains("started"), lines.get(0));
  }

  /** The full-table UPDATE, held on a lock while pg_stat_activity is read; it must then succeed. */
  /**
   * The recompute request held on a lock, its backend once pg_stat_activity shows the UPDATE: the
   * wait event is live, but the query text comes from a snapshot, and a backend that has just
   * started waiting may still show its previous text (empty on a new connection).
   */
  private HeldRequest.Held recompute(Predicate<PgActivity.Backend> accepted, String... headers)
      throws Exception {
    HeldRequest.Held held =
        HeldRequest.send(
            app.port(),
            "POST",
            "/api/campaign-participations/recompute",
            "campaign_participations",
            accepted.and(backend -> backend.query().contains("UPDATE campaign_participations")),
            headers);
    assertEquals(200, held.response().status(), held.response().body());
    return held;
  }
}
