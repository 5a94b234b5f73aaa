package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Settings from system properties and the environment, and what a bad value does: nothing fatal.
 */
class ConfigurationTest {

  private static AppProcess.Builder app() {
    return AppProcess.main(JakartaApp.class).args(TestDatabase.get().jdbcUrlWithCredentials());
  }

  @Test
  void badValuesAreReportedOnceByKeyAndTheDefaultsApply() throws Exception {
    try (AppProcess app =
        app()
            .property(Config.COMMENT_FORMAT, "xml")
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .env(Config.environmentName(Config.REQUEST_ID_HEADERS), "X Bad Header")
            .start()) {
      Http.Response response = Http.get(app.port(), "/shop/probe/prepared", "X-Request-Id: cfg-1");
      TaggingContract.assertTagged(
          response.values("sent").get(0), "GET /shop/probe/prepared", "cfg-1");
      List<String> lines = app.agentLines();
      assertEquals(3, lines.size(), String.join("\n", lines));
      assertTrue(
          lines
              .get(0)
              .contains(
                  "WARN sqlorigin - ignoring sqlorigin.comment.format=\"xml\": expected sqlorigin or sqlcommenter; using the default"),
          lines.get(0));
      assertTrue(
          lines.get(1).contains("ignoring SQLORIGIN_REQUEST_ID_HEADERS=\"X Bad Header\""),
          lines.get(1));
      assertTrue(lines.get(2).contains("started"), lines.get(2));
    }
  }

  @Test
  void sqlcommenterFormatRouteOnlyAndAnotherHeaderFromTheEnvironment() throws Exception {
    try (AppProcess app =
        app()
            .env(Config.environmentName(Config.COMMENT_FORMAT), "sqlcommenter")
            .env(Config.environmentName(Config.COMMENT_FIELDS), "route,request_id")
            .env(Config.environmentName(Config.REQUEST_ID_HEADERS), "X-Correlation-Id,X-Request-Id")
            .start()) {
      Http.Response response =
          Http.get(app.port(), "/shop/probe/prepared/7", "X-Correlation-Id: corr-1");
      String sent = response.values("sent").get(0);
      assertTrue(
          sent.startsWith(
              "/*request_id='corr-1',route='GET%20%2Fshop%2Fprobe%2Fprepared%2F%7Bid%7D'*/ SELECT"),
          sent);
      assertEquals("corr-1", response.header("X-Correlation-Id"));
    }
  }

  @Test
  void byDefaultOnlyTheRouteReachesTheDatabase() throws Exception {
    try (AppProcess app = app().start()) {
      Map<String, String> fields =
          SqlComment.parse(Http.get(app.port(), "/shop/probe/prepared").values("sent").get(0));
      assertEquals(Map.of("route", "GET /shop/probe/prepared"), fields);
      String name =
          Http.get(app.port(), "/shop/probe/application-name", "X-Request-Id: off-2")
              .values("sent")
              .get(0);
      assertFalse(name.contains("req="), name);
    }
  }

  @Test
  void disabledAgentLeavesStatementsAloneAndSaysSo() throws Exception {
    try (AppProcess app = app().env(Config.environmentName(Config.ENABLED), "false").start()) {
      Http.Response response = Http.get(app.port(), "/shop/probe/prepared", "X-Request-Id: off-1");
      assertEquals("SELECT current_query()", response.values("sent").get(0));
      assertEquals(null, response.header("X-Request-Id"));
      assertTrue(
          app.agentLines().get(0).contains("is disabled (sqlorigin.enabled=false)"), app.output());
    }
  }

  @Test
  void statementsOutsideRequestsCanCarryTheirThreadName() throws Exception {
    try (AppProcess app = app().property(Config.COMMENT_OUTSIDE_REQUEST, "thread").start()) {
      List<String> background = Http.get(app.port(), "/shop/probe/background").values("background");
      assertFalse(background.isEmpty());
      for (String line : background) {
        String sent = line.substring(line.indexOf(' ') + 1);
        assertEquals(Map.of("route", "thread:app-{n}"), SqlComment.parse(sent), line);
      }
    }
  }
}
