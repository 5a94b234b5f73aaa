package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HeldRequest;
import dev.sqlorigin.it.support.OtlpReceiver;
import dev.sqlorigin.it.support.OtlpReceiver.ReceivedSpan;
import dev.sqlorigin.testing.TestDatabase;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry Java agent attached too, both exporting to one receiver: the request still
 * works, the statement still carries sqlorigin's comment, and each agent exports its own server and
 * client spans. What the README says about the combination, run.
 */
class OpenTelemetryJavaAgentTest {

  @Test
  void bothAgentsKeepWorkingAndExportTheirOwnSpans() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AppProcess app =
            AppProcess.jar(AppProcess.sampleAppJar())
                .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
                // Given before sqlorigin's -javaagent on the command line: its premain runs first.
                .env(
                    "JAVA_TOOL_OPTIONS",
                    "-javaagent:" + AppProcess.openTelemetryJavaAgentJar().toAbsolutePath())
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
                .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .env("OTEL_BSP_SCHEDULE_DELAY", "20")
                .env("OTEL_METRICS_EXPORTER", "none")
                .env("OTEL_LOGS_EXPORTER", "none")
                .property(Config.COMMENT_FIELDS, "route,request_id")
                .start()) {
      String query =
          HeldRequest.sendNewText(
                  app.port(),
                  "POST",
                  "/api/campaign-participations/recompute",
                  "campaign_participations",
                  "UPDATE campaign_participations",
                  "X-Request-Id: both-agents-1")
              .activity();
      TaggingContract.assertTagged(
          query, "POST /api/campaign-participations/recompute", "both-agents-1");

      ReceivedSpan ours =
          receiver.awaitSpan(
              "of sqlorigin for the request",
              span ->
                  span.scope().equals("dev.sqlorigin")
                      && "both-agents-1".equals(span.attribute("sqlorigin.request_id")));
      receiver.awaitSpan(
          "of sqlorigin for the statement",
          span ->
              span.scope().equals("dev.sqlorigin")
                  && span.parentSpanId().equals(ours.spanId())
                  && span.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT);
      receiver.awaitSpan(
          "of the OpenTelemetry agent for the request",
          span ->
              span.scope().startsWith("io.opentelemetry.")
                  && span.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER);
      ReceivedSpan theirs =
          receiver.awaitSpan(
              "of the OpenTelemetry agent for the statement",
              span ->
                  span.scope().startsWith("io.opentelemetry.jdbc")
                      && span.name().contains("UPDATE"));
      assertTrue(theirs.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT, theirs.toString());
      assertEquals(
          List.of(), app.agentLines().stream().filter(line -> line.contains(" WARN ")).toList());
    }
  }
}
