package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.OtlpReceiver;
import dev.sqlorigin.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An application with its own Byte Buddy, SLF4J and OpenTelemetry, at other versions than the
 * agent's: under the agent it still loads and uses its own copies, and its statements are tagged.
 */
class OwnDependenciesTest {

  @Test
  void applicationKeepsItsOwnByteBuddySlf4jAndOpenTelemetry() throws Exception {
    try (AppProcess app =
        AppProcess.main(JakartaApp.class)
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      Http.Response response = Http.get(app.port(), "/shop/probe/deps", "X-Request-Id: deps-1");
      assertEquals(200, response.status(), response.body() + app.output());
      assertEquals("own-bytebuddy-works", response.values("bytebuddy").get(0));
      assertEquals(
          "byte-buddy-" + System.getProperty("app.bytebuddy.version", "1.14.19") + ".jar",
          response.values("bytebuddy.jar").get(0));
      assertEquals("org.slf4j.simple.SimpleLoggerFactory", response.values("slf4j.factory").get(0));
      assertEquals("slf4j-api-2.0.9.jar", response.values("slf4j.jar").get(0));
      assertEquals("1", response.values("otel.spans").get(0));
      assertTrue(app.output().contains("INFO app - own-slf4j-works"), app.output());
      assertEquals(
          Map.of("route", "GET /shop/probe/deps"),
          SqlComment.parse(response.values("sent").get(0)));
    }
  }

  @Test
  void applicationExportsItsOwnSpansBesideTheAgents() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AppProcess app =
            AppProcess.main(JakartaApp.class)
                .args(TestDatabase.get().jdbcUrlWithCredentials())
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint())
                .env("OTEL_BSP_SCHEDULE_DELAY", "20")
                .start()) {
      Http.Response response =
          Http.get(app.port(), "/shop/probe/deps", "X-Request-Id: deps-otel-1");
      assertEquals(200, response.status(), response.body() + app.output());
      assertEquals("1", response.values("otel.spans").get(0));
      receiver.awaitSpan(
          "of the application's own SDK",
          span -> span.scope().equals("app") && span.name().equals("own-span"));
      receiver.awaitSpan(
          "of sqlorigin for the request",
          span ->
              span.scope().equals("dev.sqlorigin")
                  && "deps-otel-1".equals(span.attribute("sqlorigin.request_id")));
    }
  }
}
