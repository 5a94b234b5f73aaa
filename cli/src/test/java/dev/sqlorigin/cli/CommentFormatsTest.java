package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlorigin.cli.support.Console;
import dev.sqlorigin.cli.support.Sessions;
import org.junit.jupiter.api.Test;

/**
 * Every comment format seen in the field, sent as plain text by real sessions and read back from
 * the real {@code pg_stat_activity}; the agent's own two formats are read from an application
 * running with the agent in the integration tests (ConsoleReadsTheAgentTest).
 */
class CommentFormatsTest {

  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void eachFormatNamesItsOriginInActivity() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("django")
          .start(
              "SELECT pg_sleep(600) /*controller='index',db_driver='django.db.backends.postgresql',"
                  + "framework='django%3A4.2',route='%5Epolls/%24',traceparent='"
                  + TRACEPARENT
                  + "'*/");
      sessions
          .open("")
          .start("SELECT pg_sleep(600) /*application:BookApp,controller:books,action:index*/");
      sessions
          .open("")
          .start(
              "/*ddps='orders-api',dde='prod',dddbs='orders-db',ddh='db.internal',dddb='orders'*/"
                  + " SELECT pg_sleep(600)");
      sessions.open("cron").start("/* nightly import of learners */ SELECT pg_sleep(600)");
      sessions.open("").start("-- Metabase:: userID: 1 queryType: native\nSELECT pg_sleep(600)");
      sessions
          .open("shop (otel)")
          .start("SELECT pg_sleep(600) /*traceparent='" + TRACEPARENT + "'*/");
      sessions.open("reporting").start("SELECT pg_sleep(600)");
      sessions.open("").start("SELECT 1 FROM pg_sleep(600)");
      sessions
          .open("rails")
          .start("/*action='show',application='Blog',controller='posts'*/ SELECT pg_sleep(600)");
      sessions.await(
          "nine statements sleeping",
          rows -> rows.stream().filter(r -> "PgSleep".equals(r.waitEvent())).count() == 9);

      JsonNode activity =
          IncidentReplayTest.json(Console.against("activity", "--json", "--min-age", "0s"));
      assertOrigin(activity, "^polls/$", "sqlcommenter", "django");
      assertEquals(
          TRACEPARENT,
          IncidentReplayTest.group(activity, "^polls/$").get("sample_traceparent").asText());
      assertOrigin(activity, "books#index", "query_logs", "BookApp");
      assertOrigin(activity, "orders-api", "datadog", "");
      assertOrigin(activity, "nightly import of learners", "comment", "cron");
      assertOrigin(activity, "Metabase:: userID: 1 queryType: native", "comment", "");
      assertOrigin(activity, "shop (otel)", "application_name", "shop (otel)");
      assertEquals(
          TRACEPARENT,
          IncidentReplayTest.group(activity, "shop (otel)").get("sample_traceparent").asText(),
          "a traceparent alone names no origin, and the trace stays known");
      assertOrigin(activity, "reporting", "application_name", "reporting");
      String client = clientGroup(activity);
      assertOrigin(activity, client, "client", "");
      assertEquals(true, client.equals("127.0.0.1") || client.equals("::1"), client);
      assertOrigin(activity, "posts#show", "sqlcommenter", "rails");
    }
  }

  /** The test connects to localhost: over IPv4 or IPv6, whichever it resolves to. */
  private static String clientGroup(JsonNode activity) {
    for (JsonNode group : activity.get("groups")) {
      if (group.get("origin_source").asText().equals("client")) {
        return group.get("origin").asText();
      }
    }
    throw new AssertionError("no group named after its client in " + activity.toPrettyString());
  }

  private static void assertOrigin(JsonNode activity, String origin, String source, String app) {
    JsonNode group = IncidentReplayTest.group(activity, origin);
    assertEquals(source, group.get("origin_source").asText(), group.toString());
    assertEquals(app, group.get("application").asText(), group.toString());
    assertEquals(1, group.get("active").asInt(), group.toString());
  }
}
