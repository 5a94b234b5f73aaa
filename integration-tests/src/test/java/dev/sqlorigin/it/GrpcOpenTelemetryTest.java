package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.GrpcProbe;
import dev.sqlorigin.it.support.OtlpReceiver;
import dev.sqlorigin.it.support.OtlpReceiver.ReceivedSpan;
import dev.sqlorigin.testing.TestDatabase;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import org.junit.jupiter.api.Test;

/**
 * The gRPC application under the real agent, exporting over OTLP to a receiver in this test: a call
 * has a server span named by its route, continuing the caller's trace, with its statements' spans
 * as children.
 */
class GrpcOpenTelemetryTest {

  private static final String INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String INCOMING_PARENT = "00f067aa0ba902b7";

  @Test
  void aCallHasAServerSpanNamedByItsRouteWithItsStatementsAsClientSpans() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AppProcess app =
            AppProcess.testApp("grpc", GrpcTaggingTest.APP)
                .args(TestDatabase.get().jdbcUrlWithCredentials())
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
                .env("OTEL_SERVICE_NAME", "grpc-app")
                .env("OTEL_BSP_SCHEDULE_DELAY", "20")
                .env("OTEL_METRICS_EXPORTER", "none")
                .property(Config.COMMENT_FIELDS, "route,request_id,traceparent")
                .start();
        GrpcProbe client = GrpcProbe.connect(app.port())) {
      GrpcProbe.Answer answer =
          client.call(
              GrpcProbe.RUN,
              "/prepared",
              "X-Request-Id: otel-grpc-1",
              "traceparent: 00-" + INCOMING_TRACE + "-" + INCOMING_PARENT + "-01");
      assertTrue(answer.ok(), answer.body());

      ReceivedSpan server =
          receiver.awaitSpan(
              "for call otel-grpc-1",
              span -> "otel-grpc-1".equals(span.attribute("sqlorigin.request_id")));
      assertEquals(Span.SpanKind.SPAN_KIND_SERVER, server.span().getKind());
      assertEquals("/shop.Probe/Run", server.name());
      assertEquals("grpc", server.attribute("rpc.system"));
      assertEquals("shop.Probe", server.attribute("rpc.service"));
      assertEquals("Run", server.attribute("rpc.method"));
      assertEquals("0", server.attribute("rpc.grpc.status_code"));
      assertEquals(INCOMING_TRACE, server.traceId());
      assertEquals(INCOMING_PARENT, server.parentSpanId());
      assertEquals(Status.StatusCode.STATUS_CODE_UNSET, server.span().getStatus().getCode());

      ReceivedSpan statement =
          receiver.awaitSpan(
              "the probe's statement, child of " + server,
              span ->
                  span.parentSpanId().equals(server.spanId())
                      && "SELECT current_query()".equals(span.attribute("db.query.text")));
      assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, statement.span().getKind());
      assertEquals("SELECT", statement.name());
      // The database saw the statement's span in its comment.
      String sent = answer.values("sent").get(0);
      assertTrue(
          sent.contains("traceparent='00-" + INCOMING_TRACE + "-" + statement.spanId()), sent);
    }
  }
}
