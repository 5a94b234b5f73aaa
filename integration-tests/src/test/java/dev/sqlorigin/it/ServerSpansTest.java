package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.OtlpReceiver;
import dev.sqlorigin.it.support.OtlpReceiver.ReceivedSpan;
import dev.sqlorigin.testing.TestDatabase;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quarkus and Micronaut exporting sqlorigin's spans over OTLP: the server span is named by the
 * route template the framework matched, under the application's root path, where users of other
 * agents see {@code /*}, {@code /} or the path without its root (Quarkus #27827, #45684); the
 * statements are its children; an incoming traceparent is continued.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerSpansTest {

  private static final String INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private OtlpReceiver receiver;
  private AppProcess quarkus;
  private AppProcess micronaut;

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    quarkus = exporting(() -> AppProcess.quarkusApp("quarkus"));
    micronaut = exporting(MicronautApps::application);
  }

  private AppProcess exporting(Supplier<AppProcess.Builder> application) throws Exception {
    return application
        .get()
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
        .env("OTEL_BSP_SCHEDULE_DELAY", "20")
        .env("OTEL_METRICS_EXPORTER", "none")
        .args(TestDatabase.get().jdbcUrlWithCredentials())
        .start();
  }

  @AfterAll
  void stop() {
    for (AutoCloseable each : new AutoCloseable[] {quarkus, micronaut, receiver}) {
      try {
        if (each != null) {
          each.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"quarkus", "micronaut"})
  void serverSpanIsNamedByTheMatchedTemplateAndParentsTheStatements(String server)
      throws Exception {
    AppProcess app = server.equals("quarkus") ? quarkus : micronaut;
    String requestId = "span-" + server;
    Http.Response response =
        Http.get(
            app.port(),
            "/shop/probe/prepared/42?token=secret",
            "X-Request-Id: " + requestId,
            "traceparent: 00-" + INCOMING_TRACE + "-00f067aa0ba902b7-01");
    assertEquals(200, response.status(), response.body());

    ReceivedSpan request =
        receiver.awaitSpan(
            "for request " + requestId,
            span -> requestId.equals(span.attribute("sqlorigin.request_id")));
    assertEquals(Span.SpanKind.SPAN_KIND_SERVER, request.span().getKind());
    assertEquals("GET /shop/probe/{kind}/{id}", request.name());
    assertEquals("/shop/probe/{kind}/{id}", request.attribute("http.route"));
    assertEquals("/shop/probe/prepared/42", request.attribute("url.path"));
    assertEquals("200", request.attribute("http.response.status_code"));
    assertEquals(INCOMING_TRACE, request.traceId(), "the incoming trace is continued");

    // The probe's statement (the pool may check its connection first, with a statement of its own).
    ReceivedSpan statement =
        receiver.awaitSpan(
            "the probe's statement, child of " + request,
            span ->
                span.parentSpanId().equals(request.spanId())
                    && "SELECT current_query()".equals(span.attribute("db.query.text")));
    assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, statement.span().getKind());
    assertEquals(request.traceId(), statement.traceId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"quarkus", "micronaut"})
  void failedRequestKeepsItsRouteAndStatus(String server) throws Exception {
    AppProcess app = server.equals("quarkus") ? quarkus : micronaut;
    String requestId = "span-fail-" + server;
    Http.Response response = Http.get(app.port(), "/shop/probe/fail", "X-Request-Id: " + requestId);
    assertEquals(500, response.status(), response.body());
    ReceivedSpan request =
        receiver.awaitSpan(
            "for request " + requestId,
            span -> requestId.equals(span.attribute("sqlorigin.request_id")));
    assertEquals("GET /shop/probe/{kind}", request.name());
    assertEquals("500", request.attribute("http.response.status_code"));
  }
}
