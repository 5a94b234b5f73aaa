package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.OtlpReceiver;
import dev.sqlorigin.it.support.OtlpReceiver.ReceivedSpan;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.it.support.TcpProxy;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The cancel path broken: new connections to the database are accepted but never answered (a
 * half-broken network path, a pooler at its client limit), while the pool's open connections work.
 * pgjdbc's {@code Statement.cancel()} opens a new connection, so each cancel hangs until pgjdbc's
 * own cancel timeout (10 s). Another request's deadline is still acted on within one poll interval;
 * each hung cancel is reported as such, not as cancelled; the statement's connection is aborted, so
 * the request's thread comes back and its later calls fail fast; the pool recovers. Its telemetry
 * says the same: the statements' spans carry the outcome, and the failures are counted apart.
 */
class CancelPathBlackholedTest {

  private static final Pattern AGE =
      Pattern.compile("abandoned: deadline passed after (\\d+\\.\\d) s");

  @Test
  void deadlinesAreActedOnWhileACancelHangsAndTheHungCancelIsAbortedNotCalledCancelled()
      throws Exception {
    TestDatabase database = TestDatabase.get();
    try (TcpProxy proxy = TcpProxy.toDatabase(database.jdbcUrl());
        OtlpReceiver receiver = OtlpReceiver.start();
        AppProcess app =
            AppProcess.main(JakartaApp.class)
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
                .env("OTEL_BSP_SCHEDULE_DELAY", "20")
                .env("OTEL_METRIC_EXPORT_INTERVAL", "200")
                .property(Config.COMMENT_FIELDS, "route,request_id")
                .property(Config.REQUEST_TIMEOUT, "2s")
                // A poll interval of 1 s: the bound this test holds the second deadline to.
                .property(Config.CANCEL_POLL_INTERVAL, "1s")
                .property(Config.CANCEL_TIMEOUT, "3s")
                .args(proxy.jdbcUrl(database.jdbcUrlWithCredentials()))
                .start()) {
      awaitFullPool(app);
      int opened = proxy.accepted();
      proxy.blackholeNewConnections();

      CompletableFuture<Http.Response> first =
          CompletableFuture.supplyAsync(
              () ->
                  Http.getOk(
                      app.port(),
                      "/shop/probe/cancellable/sequence?seconds=30&token=blackholed",
                      "X-Request-Id: hung-cancel-1"));
      PgActivity.awaitRunning("request_id='hung-cancel-1'", 1, 30_000);
      CompletableFuture<Http.Response> second =
          CompletableFuture.supplyAsync(
              () ->
                  Http.getOk(
                      app.port(),
                      "/shop/probe/cancellable/sleep?seconds=30",
                      "X-Request-Id: on-time-1"));
      PgActivity.awaitRunning("request_id='on-time-1'", 1, 30_000);

      // Both threads come back once their cancels time out and their connections are aborted (and
      // pgjdbc, which makes a statement's thread wait for a cancel under way, gives up its own):
      // while the server still runs their statements, which nothing reached.
      long sent = System.nanoTime();
      Http.Response hung = first.get(60, TimeUnit.SECONDS);
      Http.Response onTime = second.get(60, TimeUnit.SECONDS);
      System.out.printf(
          "blackholed cancels: both answers %.1f s after the second statement started%n",
          (System.nanoTime() - sent) / 1e9);
      assertEquals(1, PgActivity.running("request_id='hung-cancel-1'"), "the answer waited for it");
      assertEquals(1, PgActivity.running("request_id='on-time-1'"), "the answer waited for it");
      assertTrue(proxy.blackholed() >= 2, "the cancels never met the fault: " + proxy.blackholed());
      assertEquals(opened, proxy.accepted() - proxy.blackholed(), "a connection got through");

      String firstLine = line(app, "request hung-cancel-1 ");
      String secondLine = line(app, "request on-time-1 ");
      // The second request was abandoned while the first one's cancel hung: at its deadline, within
      // a poll interval, where the watchdog used to wait for the hung cancel (12 s and more).
      double secondAge = age(secondLine);
      assertTrue(secondAge >= 2.0 && secondAge <= 3.0, secondLine);
      for (String line : List.of(firstLine, secondLine)) {
        assertTrue(
            line.matches(
                ".*; cancelled 0 statements; backend pid \\d+; cancel failed: timed out, no answer"
                    + " within 3\\.0 s; its connection was aborted"),
            "a cancel that never reached the server must not be reported as cancelled: " + line);
      }

      List<String> errors = hung.values("error");
      assertEquals(4, errors.size(), hung.body());
      String why = "57014|sqlorigin: request hung-cancel-1 (GET /shop/probe/cancellable/sequence)";
      assertTrue(
          errors.get(0).startsWith(why) && errors.get(0).endsWith("|cause=PSQLException"),
          "the aborted statement fails as abandoned, the driver's error its cause: " + errors);
      for (String later : errors.subList(1, 4)) {
        assertTrue(later.startsWith(why) && later.endsWith("|cause=none"), "fails fast: " + later);
      }
      assertEquals(0, CancellationTest.rowsWithToken("blackholed"), "a later INSERT ran");
      assertTrue(
          onTime.values("error").get(0).startsWith("57014|sqlorigin: request on-time-1 "),
          onTime.body());

      ReceivedSpan statement =
          receiver.awaitSpan(
              "of the aborted statement",
              span -> "timed_out".equals(span.attribute("sqlorigin.cancel.outcome")));
      assertEquals("deadline", statement.attribute("sqlorigin.abandon.reason"));
      assertEquals("08006", statement.attribute("db.response.status_code"));
      receiver.awaitMetric(
          "sqlorigin.cancels.failed",
          metric ->
              metric.getSum().getDataPointsList().stream()
                  .anyMatch(
                      point ->
                          point.getAsInt() == 2
                              && "timed_out"
                                  .equals(
                                      OtlpReceiver.attribute(
                                          point.getAttributesList(), "sqlorigin.cancel.outcome"))));
      receiver.awaitMetric(
          "sqlorigin.statements.cancelled",
          metric ->
              metric.getSum().getDataPointsList().stream()
                  .allMatch(point -> point.getAsInt() == 0));

      // The network heals: the pool replaces the aborted connections and serves again.
      proxy.forward();
      Http.Response next = Http.getOk(app.port(), "/shop/probe/cancellable/one");
      assertEquals(List.of(), next.values("error"), next.body());
      assertFalse(
          app.output().contains("cancelled 1 statement"), "no statement was cancelled here");
    } finally {
      // Aborting the client's connection does not stop the server's statement, which runs until it
      // next writes to it: not this test's business any more.
      PgActivity.terminate("request_id='hung-cancel-1'");
      PgActivity.terminate("request_id='on-time-1'");
    }
  }

  /** Waits until the probe's pool holds all its connections, opened through the proxy. */
  private static void awaitFullPool(AppProcess app) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Http.Response response = Http.getOk(app.port(), "/shop/probe/cancellable/one");
      if (response.values("pool").equals(List.of("4"))) {
        return;
      }
      Thread.sleep(50); // poll interval of the awaited condition
    }
    fail("the pool never held its 4 connections:\n" + app.output());
  }

  /** The agent's line about a request, once it is logged (they come once the cancels end). */
  private static String line(AppProcess app, String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (String line : app.agentLines()) {
        int at = line.indexOf(prefix);
        if (at >= 0) {
          return line.substring(at);
        }
      }
      Thread.sleep(50); // poll interval of the awaited condition
    }
    fail("the agent logged nothing about " + prefix + ":\n" + app.output());
    return null;
  }

  private static double age(String line) {
    Matcher matcher = AGE.matcher(line);
    assertTrue(matcher.find(), line);
    return Double.parseDouble(matcher.group(1));
  }
}
