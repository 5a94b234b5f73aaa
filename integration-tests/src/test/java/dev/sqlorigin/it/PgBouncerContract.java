package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HeldRequest;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgBouncer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The application reaches PostgreSQL through PgBouncer (Debian's 1.18, started by the test): the
 * comment arrives intact, the request ID reaches {@code application_name}, and abandoned requests'
 * statements are cancelled through the pooler. One subclass per pool mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PgBouncerContract {

  private PgBouncer bouncer;
  private AppProcess app;

  /** The pool mode under test. */
  abstract PgBouncer.Mode mode();

  /** PgBouncer's connections to the server. */
  abstract int serverConnections();

  /** The application's own pool (HikariCP). */
  abstract int applicationConnections();

  /** What the README asks to add to the JDBC URL in this mode. */
  abstract String jdbcParameters();

  @BeforeAll
  void start() throws Exception {
    bouncer = PgBouncer.start(mode(), serverConnections());
    app =
        AppProcess.main(JakartaApp.class)
            .property("probe.pool.size", String.valueOf(applicationConnections()))
            .property("probe.record-cancels", "true")
            .property(Config.REQUEST_TIMEOUT, "2s")
            .property(Config.REQUEST_ID_APPLICATION_NAME, "true")
            .args(bouncer.jdbcUrl(jdbcParameters()))
            .start();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
    if (bouncer != null) {
      bouncer.close();
    }
  }

  AppProcess app() {
    return app;
  }

  @Test
  void theCommentReachesTheServerIntact() throws Exception {
    for (String kind : List.of("prepared", "statement", "call")) {
      Http.Response response = Http.get(app.port(), "/shop/probe/" + kind);
      assertEquals(200, response.status(), response.body() + "\n" + bouncer.log());
      String sent = response.values("sent").get(0);
      assertTrue(sent.contains("/*sqlorigin route='GET /shop/probe/" + kind + "'*/"), sent);
    }
  }

  @Test
  void theRequestIdReachesApplicationName() throws Exception {
    // Twice as many requests as application connections: each pooled connection is named anew.
    for (int i = 0; i < 2 * applicationConnections(); i++) {
      Http.Response response =
          Http.get(app.port(), "/shop/probe/application-name", "X-Request-Id: bounced-" + i);
      assertEquals(200, response.status(), response.body());
      String name = response.values("sent").get(0);
      assertTrue(name.endsWith(" req=bounced-" + i), name);
    }
  }

  @Test
  void anOperatorSeesTheRequestIdInPgStatActivity() throws Exception {
    HeldRequest.Held held =
        HeldRequest.send(
            app.port(),
            "GET",
            "/shop/probe/cancellable/update",
            "probe_counter",
            // The UPDATE, not the SET of application_name just before it: a backend that has just
            // started waiting can still show its previous text, under its new name.
            backend ->
                backend.applicationName().endsWith(" req=held-through-bouncer")
                    && backend.query().contains("UPDATE probe_counter"),
            "X-Request-Id: held-through-bouncer");
    assertTrue(
        held.activity().startsWith("/*sqlorigin route='GET /shop/probe/cancellable/update'*/"),
        held.activity());
    assertEquals(List.of(), held.response().values("error"), held.response().body());
  }

  @Test
  void anAbandonedRequestsStatementIsCancelledThroughThePooler() throws Exception {
    Http.Response response =
        Http.getOk(
            app.port(), "/shop/probe/cancellable/sleep?seconds=30", "X-Request-Id: bounced-late");
    String error = response.values("error").get(0);
    // The server's own cancellation (a PSQLException under ours) proves the cancel reached it.
    assertTrue(
        error.startsWith(
                "57014|sqlorigin: request bounced-late (GET /shop/probe/cancellable/sleep)"
                    + " abandoned: deadline passed after")
            && error.endsWith("|cause=PSQLException"),
        error + "\n" + bouncer.log());
    Http.Response next = Http.getOk(app.port(), "/shop/probe/cancellable/one");
    assertEquals(List.of(), next.values("error"), next.body());
  }
}
