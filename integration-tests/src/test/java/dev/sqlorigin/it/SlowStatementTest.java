package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.Jmx;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The long-statement watch and the gauges by route, as monitoring sees them: a 2 s threshold, a
 * statement that runs longer, the log line naming the backend that pg_stat_activity shows, and the
 * Prometheus endpoint scraped over HTTP while it runs and after.
 */
class SlowStatementTest {

  private static final Pattern SLOW =
      Pattern.compile(
          "slow statement: POST /api/imports, request slow-1, running for [0-9.]+ s, backend pid (\\d+): (.*)");

  @Test
  void aSlowStatementIsLoggedWithItsBackendPidAndTheGaugesByRouteRiseAndFall() throws Exception {
    int metricsPort = Jmx.freePort();
    try (AppProcess app =
        AppProcess.jar(AppProcess.sampleAppJar())
            .property(Config.STATEMENTS_SLOW_THRESHOLD, "2s")
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .env("OTEL_METRICS_EXPORTER", "prometheus")
            .env("OTEL_EXPORTER_PROMETHEUS_PORT", String.valueOf(metricsPort))
            .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      CompletableFuture<Http.Response> slow =
          RouteBlockTest.post(app, "/api/imports?seconds=5", "slow-1");
      String line = awaitLine(app, "slow statement: POST /api/imports, request slow-1");
      Matcher matcher = SLOW.matcher(line);
      assertTrue(matcher.find(), line);
      int pid = Integer.parseInt(matcher.group(1));
      assertEquals(
          List.of(pid),
          List.copyOf(PgActivity.runningPids("request_id='slow-1'")),
          "the backend pg_stat_activity shows running the statement");
      // The query head: the statement as the application wrote it, literals as ?.
      assertEquals("SELECT pg_sleep(?)", matcher.group(2));

      // While it runs: one statement in flight on the route, older than the threshold.
      String running = scrape(metricsPort);
      assertEquals(1.0, sample(running, "sqlorigin_statements_in_flight", "/api/imports"), running);
      assertTrue(
          sample(running, "sqlorigin_statements_oldest_age_seconds", "/api/imports") >= 2.0,
          running);

      assertEquals(200, slow.get(30, TimeUnit.SECONDS).status());
      String ended = awaitLine(app, "slow statement ended after");
      assertTrue(ended.contains("POST /api/imports, request slow-1"), ended);
      assertTrue(ended.contains("backend pid " + pid), ended);
      assertEquals(
          1,
          app.agentLines().stream().filter(l -> l.contains("slow statement: ")).count(),
          "logged once while it ran");

      // After: the route's series fall to 0 rather than vanish; the duration histogram is by route.
      String after = scrape(metricsPort);
      assertEquals(0.0, sample(after, "sqlorigin_statements_in_flight", "/api/imports"), after);
      assertEquals(
          0.0, sample(after, "sqlorigin_statements_oldest_age_seconds", "/api/imports"), after);
      assertTrue(
          after.contains("db_client_operation_duration_seconds_count{")
              && after.contains("http_route=\"/api/imports\""),
          after);
    }
  }

  private static String scrape(int port) throws Exception {
    Http.Response response = Http.get(port, "/metrics");
    assertEquals(200, response.status(), response.body());
    return response.body();
  }

  /** The value of the series of {@code metric} whose http_route is {@code route}. */
  private static double sample(String exposition, String metric, String route) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(metric + "{") && line.contains("http_route=\"" + route + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    fail("no " + metric + " for " + route + " in:\n" + exposition);
    return -1;
  }

  private static String awaitLine(AppProcess app, String fragment) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<String> lines =
          app.agentLines().stream().filter(l -> l.contains(fragment)).collect(Collectors.toList());
      if (!lines.isEmpty()) {
        return lines.get(0);
      }
      Thread.sleep(20); // poll interval of the awaited condition
    }
    fail("no agent line with '" + fragment + "' within 30 s\n" + app.output());
    return null;
  }
}
