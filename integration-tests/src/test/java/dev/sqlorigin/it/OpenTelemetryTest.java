package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.it.support.HeldRequest;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.OtlpReceiver;
import dev.sqlorigin.it.support.OtlpReceiver.ReceivedSpan;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The sample app under the real agent, exporting over real OTLP/HTTP (protobuf) to a receiver in
 * this test: spans, their parenting, the traceparent the database sees, and the metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenTelemetryTest {

  private static final String INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String INCOMING_PARENT = "00f067aa0ba902b7";
  private OtlpReceiver receiver;
  private AppProcess app;

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    app =
        AppProcess.jar(AppProcess.sampleAppJar())
            .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
            .env("OTEL_SERVICE_NAME", "sample-app")
            .env("OTEL_BSP_SCHEDULE_DELAY", "20")
            .env("OTEL_METRIC_EXPORT_INTERVAL", "200")
            .property(Config.COMMENT_FIELDS, "route,request_id,traceparent")
            .start();
  }

  @AfterAll
  void stop() {
    app.close();
    receiver.close();
  }

  @Test
  void requestHasAServerSpanWithItsStatementsAsClientSpans() throws Exception {
    Http.Response response =
        Http.get(app.port(), "/api/owners/1?token=secret", "X-Request-Id: otel-read-1");
    assertEquals(200, response.status(), response.body());

    ReceivedSpan server =
        receiver.awaitSpan(
            "for request otel-read-1",
            span -> "otel-read-1".equals(span.attribute("sqlorigin.request_id")));
    assertEquals("dev.sqlorigin", server.scope());
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, server.span().getKind());
    assertEquals("GET /api/owners/{id}", server.name());
    assertEquals("GET", server.attribute("http.request.method"));
    assertEquals("/api/owners/{id}", server.attribute("http.route"));
    assertEquals("/api/owners/1", server.attribute("url.path"));
    assertEquals("200", server.attribute("http.response.status_code"));
    assertEquals("", server.parentSpanId(), "a request without traceparent starts a trace");

    ReceivedSpan client =
        receiver.awaitSpan(
            "child of " + server, span -> span.parentSpanId().equals(server.spanId()));
    assertEquals(server.traceId(), client.traceId());
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, client.span().getKind());
    assertEquals("SELECT", client.name());
    assertEquals("postgresql", client.attribute("db.system.name"));
    assertEquals("SELECT", client.attribute("db.operation.name"));
    assertEquals("SELECT id, name FROM owners WHERE id = ?", client.attribute("db.query.text"));
    String url = TestDatabase.get().jdbcUrl();
    assertEquals(
        java.net.URI.create(url.substring("jdbc:".length())).getPath().substring(1),
        client.attribute("db.namespace"));
    assertNotNull(client.attribute("server.address"), client.toString());
    assertNotNull(client.attribute("server.port"), client.toString());
    // The backend that ran it: one of the pool's connections, as pg_stat_activity lists them.
    int pid = Integer.parseInt(client.attribute("db.postgresql.backend_pid"));
    try (java.sql.Connection connection = TestDatabase.get().connect();
        java.sql.PreparedStatement backend =
            connection.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
      backend.setInt(1, pid);
      try (java.sql.ResultSet rs = backend.executeQuery()) {
        rs.next();
        assertEquals(1, rs.getInt(1), "no backend " + pid);
      }
    }
    assertEquals(Status.StatusCode.STATUS_CODE_UNSET, client.span().getStatus().getCode());
  }

  @Test
  void traceparentInPgStatActivityIsTheClientSpan() throws Exception {
    // The full-table UPDATE held on a lock: Statement.executeUpdate(String), tagged at execute.
    String query =
        HeldRequest.sendNewText(
                app.port(),
                "POST",
                "/api/campaign-participations/recompute",
                "campaign_participations",
                "UPDATE campaign_participations",
                "X-Request-Id: otel-held-1")
            .activity();
    assertClientSpanIs(SqlComment.parse(query).get("traceparent"), query);
  }

  @Test
  void cancelledRequestShowsTheAbandonmentAndTheStatementsError() throws Exception {
    String query;
    try (HangingClient client =
        HangingClient.post(app.port(), "/api/imports?seconds=60", "X-Request-Id: otel-gone-1")) {
      // A prepared statement: its traceparent was chosen at prepare time, its span started at
      // execute.
      query = PgActivity.awaitActiveQuery("otel-gone-1");
    }
    ReceivedSpan statement = assertClientSpanIs(SqlComment.parse(query).get("traceparent"), query);
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, statement.span().getStatus().getCode());
    assertEquals("57014", statement.attribute("db.response.status_code"));
    assertEquals("57014", statement.attribute("error.type"));
    assertEquals("client_disconnected", statement.attribute("sqlorigin.abandon.reason"));
    assertEquals("cancelled", statement.attribute("sqlorigin.cancel.outcome"));
    assertTrue(
        statement.span().getStatus().getMessage().contains("client disconnected"),
        statement.span().getStatus().getMessage());
    assertEquals("SELECT pg_sleep(?)", statement.attribute("db.query.text"));

    ReceivedSpan request =
        receiver.awaitSpan(
            "for request otel-gone-1",
            span -> "otel-gone-1".equals(span.attribute("sqlorigin.request_id")));
    Span.Event abandoned =
        request.span().getEventsList().stream()
            .filter(event -> event.getName().equals("sqlorigin.request.abandoned"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no abandonment event on " + request));
    assertEquals(
        "client_disconnected",
        OtlpReceiver.attribute(abandoned.getAttributesList(), "sqlorigin.abandon.reason"));
    assertEquals(
        "1",
        OtlpReceiver.attribute(abandoned.getAttributesList(), "sqlorigin.statements.cancelled"));
    assertEquals(
        "0", OtlpReceiver.attribute(abandoned.getAttributesList(), "sqlorigin.cancels.failed"));
  }

  @Test
  void incomingTraceparentIsContinued() throws Exception {
    Http.getOk(
        app.port(),
        "/api/owners/2",
        "X-Request-Id: otel-continued-1",
        "traceparent: 00-" + INCOMING_TRACE + "-" + INCOMING_PARENT + "-01",
        "tracestate: vendor=value");
    ReceivedSpan server =
        receiver.awaitSpan(
            "for request otel-continued-1",
            span -> "otel-continued-1".equals(span.attribute("sqlorigin.request_id")));
    assertEquals(INCOMING_TRACE, server.traceId());
    assertEquals(INCOMING_PARENT, server.parentSpanId());
    assertEquals("vendor=value", server.span().getTraceState());
  }

  @Test
  void malformedTraceparentIsIgnored() throws Exception {
    Http.getOk(
        app.port(),
        "/api/owners/3",
        "X-Request-Id: otel-malformed-1",
        "traceparent: 00-" + INCOMING_TRACE + "-zz-01*/");
    ReceivedSpan server =
        receiver.awaitSpan(
            "for request otel-malformed-1",
            span -> "otel-malformed-1".equals(span.attribute("sqlorigin.request_id")));
    assertNotEquals(INCOMING_TRACE, server.traceId());
    assertEquals("", server.parentSpanId());
  }

  @Test
  void operationDurationIsExportedByRoute() throws Exception {
    Http.getOk(app.port(), "/api/owners/4", "X-Request-Id: otel-metrics-1");
    receiver.awaitMetric(
        "db.client.operation.duration",
        metric ->
            metric.getHistogram().getDataPointsList().stream()
                .anyMatch(
                    point ->
                        "/api/owners/{id}".equals(attribute(point, "http.route"))
                            && "SELECT".equals(attribute(point, "db.operation.name"))
                            && "postgresql".equals(attribute(point, "db.system.name"))
                            && point.getCount() > 0));
    // By route: the routes that served requests, 0 when none of their statements runs.
    receiver.awaitMetric(
        "sqlorigin.statements.in_flight",
        metric ->
            metric.getSum().getDataPointsList().stream()
                .anyMatch(
                    point ->
                        "/api/owners/{id}"
                            .equals(
                                OtlpReceiver.attribute(point.getAttributesList(), "http.route"))));
    receiver.awaitMetric(
        "sqlorigin.statements.oldest_age",
        metric ->
            metric.getGauge().getDataPointsList().stream()
                .anyMatch(
                    point ->
                        "/api/owners/{id}"
                            .equals(
                                OtlpReceiver.attribute(point.getAttributesList(), "http.route"))));
  }

  @Test
  void abandonmentsAndCancelsAreCountedByReasonAndOutcome() throws Exception {
    // An abandonment of this test's own: the counters are cumulative, whatever ran before.
    try (HangingClient client =
        HangingClient.post(
            app.port(), "/api/imports?seconds=60", "X-Request-Id: otel-metrics-gone-1")) {
      PgActivity.awaitRunning("request_id='otel-metrics-gone-1'", 1, 30_000);
    }
    PgActivity.awaitRunning("request_id='otel-metrics-gone-1'", 0, 30_000);
    receiver.awaitMetric(
        "sqlorigin.requests.abandoned",
        metric -> counted(metric.getSum().getDataPointsList(), "sqlorigin.abandon.reason"));
    receiver.awaitMetric(
        "sqlorigin.statements.cancelled",
        metric -> counted(metric.getSum().getDataPointsList(), "sqlorigin.abandon.reason"));
    // What did not stop its statement is counted apart, by outcome (none failed here).
    receiver.awaitMetric(
        "sqlorigin.cancels.failed",
        metric ->
            metric.getSum().getDataPointsList().stream()
                    .map(
                        point ->
                            OtlpReceiver.attribute(
                                point.getAttributesList(), "sqlorigin.cancel.outcome"))
                    .collect(java.util.stream.Collectors.toSet())
                    .equals(java.util.Set.of("failed", "timed_out"))
                && metric.getSum().getDataPointsList().stream()
                    .allMatch(point -> point.getAsInt() == 0));
  }

  @Test
  void anUnsampledRequestExportsNoSpanButItsStatementsDurations() throws Exception {
    String unsampledTrace = "5bf92f3577b34da6a3ce929d0e0e4737";
    // The incoming context says "not sampled": the default sampler (parent-based) follows it.
    Http.getOk(
        app.port(),
        "/api/campaigns/1?learner=1",
        "traceparent: 00-" + unsampledTrace + "-" + INCOMING_PARENT + "-00",
        "X-Request-Id: otel-unsampled-1");
    receiver.awaitMetric(
        "db.client.operation.duration",
        metric ->
            metric.getHistogram().getDataPointsList().stream()
                .anyMatch(
                    point ->
                        "/api/campaigns/{id}".equals(attribute(point, "http.route"))
                            && "SELECT".equals(attribute(point, "db.operation.name"))
                            && point.getCount() >= 3));
    // A sampled request after it: once its spans are in, the unsampled one's would be too (one
    // queue, exported in order).
    Http.getOk(app.port(), "/api/owners/5", "X-Request-Id: otel-after-unsampled-1");
    ReceivedSpan after =
        receiver.awaitSpan(
            "for request otel-after-unsampled-1",
            span -> "otel-after-unsampled-1".equals(span.attribute("sqlorigin.request_id")));
    receiver.awaitSpan("child of " + after, span -> span.parentSpanId().equals(after.spanId()));
    assertEquals(
        List.of(),
        receiver.spans().stream().filter(span -> span.traceId().equals(unsampledTrace)).toList());
  }

  @Test
  void withoutOpenTelemetrySettingsNothingOfTheSdkIsLoadedOrLogged() throws Exception {
    try (AppProcess plain =
        AppProcess.jar(AppProcess.sampleAppJar())
            .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:stdout")
            .start()) {
      Http.getOk(plain.port(), "/api/owners/1", "X-Request-Id: otel-off-1");
      assertTrue(
          plain.output().contains("dev.sqlorigin.agent.AgentInstaller"),
          "class loading is not logged");
      assertEquals(
          List.of(),
          plain.output().lines().filter(line -> line.contains("opentelemetry")).toList());
      assertEquals(1, plain.agentLines().size(), String.join("\n", plain.agentLines()));
    }
  }

  @Test
  void consoleExporterPrintsTheSpans() throws Exception {
    try (AppProcess console =
        AppProcess.jar(AppProcess.sampleAppJar())
            .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .env("OTEL_TRACES_EXPORTER", "console")
            .env("OTEL_METRICS_EXPORTER", "none")
            .start()) {
      Http.getOk(console.port(), "/api/owners/1", "X-Request-Id: otel-console-1");
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!console.output().contains("'GET /api/owners/{id}'") && System.nanoTime() < deadline) {
        Thread.sleep(20); // poll interval of the awaited condition
      }
      assertTrue(console.output().contains("'GET /api/owners/{id}'"), console.output());
      assertTrue(console.output().contains("'SELECT'"), console.output());
    }
  }

  /**
   * sqlorigin's batch size, 2,048 spans, not the SDK's 512. The processor's schedule is set too
   * long to fire during the test, so an export leaves only when a batch is full, however long the
   * requests take: 1,100 requests of two spans each fill one batch of 2,048 (with the SDK's size,
   * four of 512).
   */
  @Test
  void spansGoOutInBatchesLargerThanTheSdksDefault() throws Exception {
    try (OtlpReceiver batches = OtlpReceiver.start();
        AppProcess busy =
            AppProcess.jar(AppProcess.sampleAppJar())
                .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", batches.endpoint())
                .env("OTEL_METRICS_EXPORTER", "none")
                .env("OTEL_BSP_SCHEDULE_DELAY", "600000")
                .start()) {
      for (int i = 0; i < 1_100; i++) {
        Http.getOk(busy.port(), "/api/owners/1");
      }
      batches.awaitSpanCount(2_048);
      List<Integer> perExport = batches.spansPerExport();
      assertTrue(
          perExport.stream().mapToInt(Integer::intValue).max().getAsInt() > 512,
          "spans per export: " + perExport);
    }
  }

  /**
   * The client span named by {@code traceparent} (as the database saw it), a child of its request's
   * span.
   */
  private ReceivedSpan assertClientSpanIs(String traceparent, String query) throws Exception {
    assertNotNull(traceparent, "no traceparent in " + query);
    assertTrue(traceparent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"), traceparent);
    String traceId = traceparent.substring(3, 35);
    String spanId = traceparent.substring(36, 52);
    ReceivedSpan client =
        receiver.awaitSpan("with span id " + spanId, span -> span.spanId().equals(spanId));
    assertEquals(traceId, client.traceId());
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, client.span().getKind());
    ReceivedSpan request =
        receiver.awaitSpan(
            "parent of " + client, span -> span.spanId().equals(client.parentSpanId()));
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, request.span().getKind());
    assertEquals(
        SqlComment.parse(query).get("request_id"), request.attribute("sqlorigin.request_id"));
    assertFalse(client.attribute("db.query.text").contains("sqlorigin"), client.toString());
    return client;
  }

  /** Whether a point counts at least one {@code client_disconnected}. */
  private static boolean counted(List<NumberDataPoint> points, String key) {
    return points.stream()
        .anyMatch(
            point ->
                point.getAsInt() >= 1
                    && "client_disconnected"
                        .equals(OtlpReceiver.attribute(point.getAttributesList(), key)));
  }

  private static String attribute(HistogramDataPoint point, String key) {
    return OtlpReceiver.attribute(point.getAttributesList(), key);
  }
}
