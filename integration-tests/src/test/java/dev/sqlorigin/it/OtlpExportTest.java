package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.OtlpReceiver;
import dev.sqlorigin.it.support.OtlpReceiver.ReceivedSpan;
import dev.sqlorigin.it.support.RunsOnJava11;
import dev.sqlorigin.testing.TestDatabase;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent's OpenTelemetry SDK and its only sender, the JDK's HTTP client, exporting spans and
 * metrics over OTLP/HTTP from the probe application, on every JDK the applications run on (CI: 11,
 * 17, 25). {@link OpenTelemetryTest} covers the attributes, parenting and traceparent in depth on
 * the sample app (Java 17+); this class proves that the same export works where the agent's floor
 * is.
 */
@RunsOnJava11
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpExportTest {

  private OtlpReceiver receiver;
  private AppProcess app;

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    app =
        AppProcess.probeApp()
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
            .env("OTEL_SERVICE_NAME", "probe")
            .env("OTEL_BSP_SCHEDULE_DELAY", "20")
            .env("OTEL_METRIC_EXPORT_INTERVAL", "200")
            .property("sqlorigin.request.timeout", "1s")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
    receiver.close();
  }

  @Test
  void aRequestAndItsStatementArriveAsServerAndClientSpans() throws Exception {
    Http.getOk(app.port(), "/shop/probe/prepared/7", "X-Request-Id: otlp-read-1");
    ReceivedSpan server =
        receiver.awaitSpan(
            "for request otlp-read-1",
            span -> "otlp-read-1".equals(span.attribute("sqlorigin.request_id")));
    assertEquals("dev.sqlorigin", server.scope());
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, server.span().getKind());
    assertEquals("GET /shop/probe/prepared/{id}", server.name());
    assertEquals("/shop/probe/prepared/{id}", server.attribute("http.route"));
    assertEquals("200", server.attribute("http.response.status_code"));

    ReceivedSpan client =
        receiver.awaitSpan(
            "child of " + server, span -> span.parentSpanId().equals(server.spanId()));
    assertEquals(server.traceId(), client.traceId());
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, client.span().getKind());
    assertEquals("postgresql", client.attribute("db.system.name"));
    assertEquals("SELECT", client.attribute("db.operation.name"));
    assertEquals("SELECT current_query()", client.attribute("db.query.text"));
  }

  @Test
  void anAbandonedRequestExportsItsReasonOnBothSpansAndInTheCounters() throws Exception {
    Http.Response response =
        Http.getOk(
            app.port(), "/shop/probe/cancellable/sleep?seconds=30", "X-Request-Id: otlp-late-1");
    assertTrue(response.values("error").get(0).startsWith("57014|"), response.body());

    ReceivedSpan request =
        receiver.awaitSpan(
            "for request otlp-late-1",
            span -> "otlp-late-1".equals(span.attribute("sqlorigin.request_id")));
    Span.Event abandoned =
        request.span().getEventsList().stream()
            .filter(event -> event.getName().equals("sqlorigin.request.abandoned"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no abandonment event on " + request));
    assertEquals(
        "deadline",
        OtlpReceiver.attribute(abandoned.getAttributesList(), "sqlorigin.abandon.reason"));

    ReceivedSpan statement =
        receiver.awaitSpan(
            "statement of " + request, span -> span.parentSpanId().equals(request.spanId()));
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, statement.span().getStatus().getCode());
    assertEquals("57014", statement.attribute("db.response.status_code"));
    assertEquals("deadline", statement.attribute("sqlorigin.abandon.reason"));
    assertEquals("SELECT pg_sleep(?)", statement.attribute("db.query.text"));

    receiver.awaitMetric(
        "sqlorigin.requests.abandoned",
        metric ->
            metric.getSum().getDataPointsList().stream()
                .anyMatch(
                    point ->
                        "deadline"
                                .equals(
                                    OtlpReceiver.attribute(
                                        point.getAttributesList(), "sqlorigin.abandon.reason"))
                            && point.getAsInt() >= 1));
  }

  @Test
  void statementDurationsAreExportedByRoute() throws Exception {
    Http.getOk(app.port(), "/shop/probe/statement/8", "X-Request-Id: otlp-metrics-1");
    receiver.awaitMetric(
        "db.client.operation.duration",
        metric ->
            metric.getHistogram().getDataPointsList().stream()
                .anyMatch(
                    point ->
                        "/shop/probe/statement/{id}"
                                .equals(
                                    OtlpReceiver.attribute(point.getAttributesList(), "http.route"))
                            && "SELECT"
                                .equals(
                                    OtlpReceiver.attribute(
                                        point.getAttributesList(), "db.operation.name"))
                            && point.getCount() > 0));
  }
}
