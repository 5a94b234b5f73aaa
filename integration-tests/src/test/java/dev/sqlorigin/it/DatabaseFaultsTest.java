package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.it.support.TcpProxy;
import dev.sqlorigin.testing.RestartableDatabase;
import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The database fails under requests in flight: PostgreSQL restarted, every backend terminated, new
 * connections unanswered. The requests get the driver's error (or, when sqlorigin gave them up, its
 * own); nothing stays registered, the gauges come back to zero, the pool recovers, and the agent
 * has nothing to log about the database's own failures.
 */
class DatabaseFaultsTest {

  private static final int IN_FLIGHT = 4;

  @Test
  void everyBackendTerminatedMidRequestFailsTheirStatementsAndThePoolRecovers() throws Exception {
    String name = "faults-terminated";
    try (AppProcess app =
        app(TestDatabase.get().jdbcUrlWithCredentials() + "&ApplicationName=" + name, "off")) {
      int agentLines = app.agentLines().size();
      List<CompletableFuture<Http.Response>> sleeping = sleep(app, "terminated-");
      assertEquals(IN_FLIGHT, terminate(name), "backends terminated");
      assertFailedWithTheDriversError(sleeping, "57P01");
      assertNothingRegistered(app);
      assertThePoolRecovers(app);
      assertEquals(
          List.of(), app.agentLines().subList(agentLines, app.agentLines().size()), "agent log");
    }
  }

  @Test
  void postgresRestartedMidRequestFailsTheirStatementsAndThePoolRecovers() throws Exception {
    try (RestartableDatabase database = RestartableDatabase.start();
        AppProcess app = app(database.jdbcUrl(""), "off")) {
      int agentLines = app.agentLines().size();
      List<CompletableFuture<Http.Response>> sleeping = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        String id = "restarted-" + i;
        sleeping.add(
            CompletableFuture.supplyAsync(
                () ->
                    Http.getOk(
                        app.port(),
                        "/shop/probe/cancellable/sleep?seconds=60",
                        "X-Request-Id: " + id)));
      }
      awaitRegistered(app, IN_FLIGHT);
      database.restart();
      // A fast shutdown terminates every backend (57P01); a connection cut before the message
      // reached the driver is an I/O error (08006).
      assertFailedWithTheDriversError(sleeping, "57P01", "08006");
      assertNothingRegistered(app);
      assertThePoolRecovers(app);
      assertEquals(
          List.of(), app.agentLines().subList(agentLines, app.agentLines().size()), "agent log");
    }
  }

  @Test
  void requestsWaitingForConnectionsTheDatabaseNeverAnswersStopWaitingOnceAbandoned()
      throws Exception {
    String url = TestDatabase.get().jdbcUrlWithCredentials();
    try (TcpProxy proxy = TcpProxy.toDatabase(url);
        AppProcess app =
            AppProcess.main(JakartaApp.class)
                .property("probe.pool.size", String.valueOf(IN_FLIGHT))
                .property(Config.REQUEST_TIMEOUT, "6s")
                .property(Config.CANCEL_DISCONNECT_AFTER, "100ms")
                // HikariCP then checks every connection it lends: a dead one is replaced, not lent.
                .property("com.zaxxer.hikari.aliveBypassWindowMs", "0")
                .args(proxy.jdbcUrl(url))
                .start()) {
      assertEquals(
          List.of(), Http.getOk(app.port(), "/shop/probe/cancellable/one").values("error"));
      // New connections are accepted and never answered, the pool's open ones are cut: every
      // request needs a new connection and waits for it in getConnection (HikariCP: 30 s).
      proxy.blackholeNewConnections();
      proxy.dropAll();
      // A client that gives up while its request waits is seen like one whose statement runs.
      try (HangingClient gone =
          HangingClient.get(
              app.port(), "/shop/probe/cancellable/one", "X-Request-Id: gone-waiting")) {
        awaitConnectionWaits(app, 1);
      }
      String line = app.awaitAgentLine("request gone-waiting ");
      assertTrue(
          line.contains("abandoned: client disconnected after")
              && line.endsWith("; cancelled 0 statements; stopped its wait for a connection"),
          line);
      // The others at their deadline, long before the pool's own timeout; the pool's error (the
      // interrupted wait) is the cause of sqlorigin's.
      List<CompletableFuture<Http.Response>> waiting = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT; i++) {
        String id = "unreachable-" + i;
        waiting.add(
            CompletableFuture.supplyAsync(
                () ->
                    Http.getOk(app.port(), "/shop/probe/cancellable/one", "X-Request-Id: " + id)));
      }
      awaitConnectionWaits(app, IN_FLIGHT);
      for (int i = 0; i < IN_FLIGHT; i++) {
        Http.Response response = waiting.get(i).get(30, TimeUnit.SECONDS);
        String error = response.values("error").get(0);
        assertTrue(
            error.startsWith(
                    "57014|sqlorigin: request unreachable-"
                        + i
                        + " (GET /shop/probe/cancellable/one) abandoned: deadline passed after")
                && error.endsWith("|cause=SQLException"),
            error);
      }
      assertNothingRegistered(app);
      proxy.forward();
      proxy.dropAll();
      assertThePoolRecovers(app);
    }
  }

  private static AppProcess app(String jdbcUrl, String timeout) throws Exception {
    return AppProcess.main(JakartaApp.class)
        .property("probe.pool.size", String.valueOf(IN_FLIGHT))
        .property(Config.REQUEST_TIMEOUT, timeout)
        .property(Config.COMMENT_FIELDS, "route,request_id")
        .args(jdbcUrl)
        .start();
  }

  /** Requests whose statements sleep a minute, running once this returns. */
  private static List<CompletableFuture<Http.Response>> sleep(AppProcess app, String idPrefix)
      throws Exception {
    List<CompletableFuture<Http.Response>> sleeping = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      String id = idPrefix + i;
      sleeping.add(
          CompletableFuture.supplyAsync(
              () ->
                  Http.getOk(
                      app.port(),
                      "/shop/probe/cancellable/sleep?seconds=60",
                      "X-Request-Id: " + id)));
    }
    for (int i = 0; i < IN_FLIGHT; i++) {
      PgActivity.awaitRunning("request_id='" + idPrefix + i + "'", 1, 30_000);
    }
    return sleeping;
  }

  /** Terminates every backend of the application (named {@code name}); returns how many. */
  private static int terminate(String name) throws Exception {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement terminate =
            connection.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE application_name = ? AND pid <> pg_backend_pid()")) {
      terminate.setString(1, name);
      try (ResultSet rs = terminate.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void assertFailedWithTheDriversError(
      List<CompletableFuture<Http.Response>> responses, String... sqlStates) throws Exception {
    for (CompletableFuture<Http.Response> pending : responses) {
      Http.Response response = pending.get(30, TimeUnit.SECONDS);
      List<String> errors = response.values("error");
      assertEquals(1, errors.size(), response.body());
      String state = errors.get(0).substring(0, errors.get(0).indexOf('|'));
      assertTrue(List.of(sqlStates).contains(state), errors.get(0));
      assertFalse(errors.get(0).contains("sqlorigin"), "not ours to explain: " + errors.get(0));
    }
  }

  /** JMX: no statement in flight, no wait, and no request but the one asking. */
  private static void assertNothingRegistered(AppProcess app) throws Exception {
    Http.Response registry = Http.getOk(app.port(), "/shop/probe/registry");
    assertEquals(List.of("0"), registry.values("StatementsInFlight"), registry.body());
    assertEquals(List.of("0"), registry.values("ConnectionWaits"), registry.body());
    List<String> requests = registry.values("request");
    assertEquals(1, requests.size(), registry.body());
    assertTrue(requests.get(0).startsWith("GET /shop/probe/registry | "), requests.get(0));
  }

  /** The registry shows {@code count} statements in flight. */
  private static void awaitRegistered(AppProcess app, int count) throws Exception {
    awaitGauge(app, "StatementsInFlight", count);
  }

  private static void awaitConnectionWaits(AppProcess app, int count) throws Exception {
    awaitGauge(app, "ConnectionWaits", count);
  }

  private static void awaitGauge(AppProcess app, String gauge, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Http.Response registry;
    do {
      registry = Http.getOk(app.port(), "/shop/probe/registry");
      if (registry.values(gauge).equals(List.of(String.valueOf(count)))) {
        return;
      }
      Thread.sleep(20); // poll interval of the awaited condition
    } while (System.nanoTime() < deadline);
    fail(gauge + " never reached " + count + ":\n" + registry.body());
  }

  /** Within a minute, requests succeed again: five in a row, on every pooled connection. */
  private static void assertThePoolRecovers(AppProcess app) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int inARow = 0;
    Http.Response last = null;
    while (inARow < 5 * IN_FLIGHT) {
      if (System.nanoTime() > deadline) {
        fail("the pool did not recover within 60 s; last answer:\n" + last.body());
      }
      last = Http.getOk(app.port(), "/shop/probe/cancellable/one");
      inARow = last.values("error").isEmpty() ? inARow + 1 : 0;
      if (inARow == 0) {
        Thread.sleep(100); // poll interval of the awaited condition
      }
    }
  }
}
