package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.it.support.ProbeAnswer;
import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Abandoned requests, with the real agent in an application serving the probe (servlets, Quarkus,
 * Micronaut): their statements are cancelled through the exact Statement, whatever the signal (the
 * client gone, the deadline), their later JDBC calls fail fast, and nobody else's query suffers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CancellationContract {

  private static final String CANCELLED_BY_DEADLINE =
      "57014|sqlorigin: request %s (%s) abandoned: deadline passed after";

  AppProcess app;
  private AppProcess deadlineApp;

  abstract AppProcess.Builder application();

  /** The route of {@code /shop/probe/cancellable/<kind>} as the server names it. */
  abstract String cancellableRoute(String kind);

  @BeforeAll
  void start() throws Exception {
    String url = TestDatabase.get().jdbcUrlWithCredentials();
    app = withIdInComment(application()).args(url).start();
    deadlineApp =
        withIdInComment(application()).property(Config.REQUEST_TIMEOUT, "1s").args(url).start();
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
    deadlineApp.close();
  }

  @Test
  void clientDisconnectCancelsOnlyItsOwnStatement() throws Exception {
    CompletableFuture<Http.Response> stays =
        CompletableFuture.supplyAsync(
            () ->
                Http.getOk(
                    app.port(),
                    "/shop/probe/cancellable/sleep?seconds=8",
                    "X-Request-Id: stays-1"));
    try (HangingClient gone =
        HangingClient.get(
            app.port(), "/shop/probe/cancellable/sleep?seconds=60", "X-Request-Id: gone-1")) {
      PgActivity.awaitRunning("request_id='gone-1'", 1, 30_000);
      PgActivity.awaitRunning("request_id='stays-1'", 1, 30_000);
    }
    long cancelledAfter = PgActivity.awaitRunning("request_id='gone-1'", 0, 10_000);
    assertEquals(
        1,
        PgActivity.running("request_id='stays-1'"),
        "the other request's statement must keep running");
    Http.Response other = stays.join();
    assertEquals(List.of(), other.values("error"), other.body());
    app.awaitOutput(
        "request gone-1 (" + cancellableRoute("sleep") + ") abandoned: client disconnected after");
    System.out.println("disconnect to idle backend: " + cancelledAfter + " ms");
  }

  @Test
  void deadlineCancelsTheStatementAndEveryLaterCallFailsWithoutReachingTheServer()
      throws Exception {
    String token = UUID.randomUUID().toString();
    Http.Response response =
        Http.getOk(
            deadlineApp.port(),
            "/shop/probe/cancellable/sequence?seconds=30&token=" + token,
            "X-Request-Id: dl-1");
    assertSequenceAbandoned(
        response,
        String.format(CANCELLED_BY_DEADLINE, "dl-1", cancellableRoute("sequence")),
        token,
        "dl-1");
  }

  /**
   * What the probe's {@code /cancellable/sequence} answered when its request was abandoned during
   * its first statement: that statement was cancelled (the server's error is the cause), the three
   * JDBC calls after it failed without reaching the server, each with SQLState 57014 and a message
   * starting with {@code prefix}; its INSERT is not in the database and nothing of it still runs.
   */
  static void assertSequenceAbandoned(
      ProbeAnswer answer, String prefix, String token, String requestId) throws Exception {
    List<String> errors = answer.values("error");
    assertEquals(4, errors.size(), answer.body());
    assertTrue(
        errors.get(0).startsWith(prefix) && errors.get(0).endsWith("|cause=PSQLException"),
        errors.get(0));
    for (String later : errors.subList(1, 4)) {
      assertTrue(later.startsWith(prefix) && later.endsWith("|cause=none"), later);
    }
    assertEquals(0, rowsWithToken(token), "the INSERT after abandonment reached the database");
    assertEquals(0, PgActivity.running("request_id='" + requestId + "'"));
  }

  @Test
  void deadlineCountsFromTheRoutersQueueStartWhenGiven() throws Exception {
    long nowMicros = System.currentTimeMillis() * 1000;
    // Queued 5 s already: the budget is spent before the first statement, which never runs.
    Http.Response late =
        Http.getOk(
            deadlineApp.port(),
            "/shop/probe/cancellable/sleep?seconds=30",
            "X-Request-Id: queued-1",
            "X-Request-Start: t=" + (nowMicros - 5_000_000));
    assertTrue(late.values("error").get(0).endsWith("|cause=none"), late.body());
    assertTrue(late.values("error").get(0).contains("abandoned: deadline passed"), late.body());
    // Queued 0.4 s: the statement runs and is cancelled about 0.6 s after the application got
    // the request (the age the agent reports), not 1 s after.
    Http.Response partly =
        Http.getOk(
            deadlineApp.port(),
            "/shop/probe/cancellable/sleep?seconds=30",
            "X-Request-Id: queued-2",
            "X-Request-Start: t=" + (System.currentTimeMillis() * 1000 - 400_000));
    String error = partly.values("error").get(0);
    assertTrue(error.endsWith("|cause=PSQLException"), partly.body());
    java.util.regex.Matcher age =
        java.util.regex.Pattern.compile("after (\\d+\\.\\d) s").matcher(error);
    assertTrue(
        age.find() && Double.parseDouble(age.group(1)) < 0.95,
        "the queue time was not counted: " + error);
    // An absurd value is ignored: the plain 1 s deadline applies.
    Http.Response absurd =
        Http.getOk(
            deadlineApp.port(),
            "/shop/probe/cancellable/sleep?seconds=30",
            "X-Request-Id: queued-3",
            "X-Request-Start: t=99999999999999999");
    assertTrue(absurd.values("error").get(0).endsWith("|cause=PSQLException"), absurd.body());
  }

  @Test
  void abandonedTransactionRollsBackAndThePooledConnectionServesTheNextRequest() throws Exception {
    int poolBefore =
        Integer.parseInt(
            Http.getOk(deadlineApp.port(), "/shop/probe/cancellable/one").values("pool").get(0));
    assertTrue(poolBefore > 0, "the pool reports no connection: its count proves nothing");
    String token = UUID.randomUUID().toString();
    Http.Response response =
        Http.getOk(
            deadlineApp.port(),
            "/shop/probe/cancellable/tx?seconds=30&token=" + token,
            "X-Request-Id: tx-1");
    assertTransactionAbandoned(response, "abandoned: deadline passed", token);
    for (int i = 0; i < 5; i++) {
      Http.Response next = Http.getOk(deadlineApp.port(), "/shop/probe/cancellable/one");
      assertEquals(List.of(), next.values("error"), next.body());
      assertEquals(
          poolBefore,
          Integer.parseInt(next.values("pool").get(0)),
          "the pool lost or replaced a connection");
    }
  }

  @Test
  void pileUpReplayNeverCommitsAnAbandonedUpdate() throws Exception {
    try (Connection locker = TestDatabase.get().connect();
        Statement lock = locker.createStatement()) {
      lock.execute("UPDATE probe_counter SET n = 0 WHERE id = 1");
      locker.setAutoCommit(false);
      lock.executeQuery("SELECT n FROM probe_counter WHERE id = 1 FOR UPDATE").close();
      int mostAtOnce = 0;
      for (int attempt = 0; attempt < 6; attempt++) {
        String id = "request_id='pile-" + attempt + "'";
        try (HangingClient client =
            HangingClient.get(
                app.port(), "/shop/probe/cancellable/update", "X-Request-Id: pile-" + attempt)) {
          PgActivity.awaitWaitingQuery(id);
          mostAtOnce = Math.max(mostAtOnce, PgActivity.running("UPDATE probe_counter"));
          Thread.sleep(1000); // the client's own give-up timeout, not a synchronisation
        }
        PgActivity.awaitRunning(id, 0, 10_000);
      }
      assertEquals(1, mostAtOnce, "abandoned UPDATEs piled up");
      assertEquals(0, PgActivity.running("UPDATE probe_counter"));
      locker.rollback();
    }
    try (Connection connection = TestDatabase.get().connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT n FROM probe_counter WHERE id = 1")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "an abandoned request's UPDATE was committed");
    }
  }

  /**
   * What the probe's {@code /cancellable/tx} answered when its request was abandoned ({@code
   * abandoned} names why) during its statement: that statement was cancelled, the commit refused,
   * and the transaction's INSERT is not in the database.
   */
  static void assertTransactionAbandoned(ProbeAnswer answer, String abandoned, String token)
      throws Exception {
    List<String> errors = answer.values("error");
    assertEquals(2, errors.size(), answer.body());
    assertTrue(errors.get(0).endsWith("|cause=PSQLException"), errors.get(0));
    assertTrue(
        errors.get(1).contains(abandoned) && errors.get(1).endsWith("|cause=none"),
        "commit must be refused: " + errors.get(1));
    assertEquals(0, rowsWithToken(token), "the abandoned transaction's INSERT is visible");
  }

  static int rowsWithToken(String token) throws Exception {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select =
            connection.prepareStatement("SELECT count(*) FROM probe_seen WHERE token = ?")) {
      select.setString(1, token);
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** These tests find each request's statements in pg_stat_activity by the ID in their text. */
  static AppProcess.Builder withIdInComment(AppProcess.Builder app) {
    return app.property(Config.COMMENT_FIELDS, "route,request_id");
  }
}
