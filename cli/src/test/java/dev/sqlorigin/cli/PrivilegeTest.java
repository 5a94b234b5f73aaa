package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlorigin.cli.support.Console;
import dev.sqlorigin.cli.support.Sessions;
import dev.sqlorigin.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console works for a role that is not a superuser: with pg_monitor it sees everything; with
 * nothing, it shows what it cannot see as such, without failing.
 */
class PrivilegeTest {

  @BeforeAll
  static void roles() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("setup")
          .run("DROP ROLE IF EXISTS console_monitor")
          .run("DROP ROLE IF EXISTS console_nobody")
          .run("CREATE ROLE console_monitor LOGIN IN ROLE pg_monitor")
          .run("CREATE ROLE console_nobody LOGIN");
    }
  }

  private static Console.Result as(String role, String... args) {
    String url = TestDatabase.get().jdbcUrl();
    String[] all = new String[args.length + 1];
    all[0] = args[0];
    all[1] = url + (url.contains("?") ? "&" : "?") + "user=" + role;
    System.arraycopy(args, 1, all, 2, args.length - 1);
    return Console.run(Map.of(), all);
  }

  @Test
  void aPgMonitorRoleSeesEveryRouteAndTheLockTree() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("setup")
          .run("DROP TABLE IF EXISTS watched_p")
          .run("CREATE TABLE watched_p (id int)");
      Sessions.Session holder = sessions.open("orders-api").begin();
      holder.run(
          IncidentReplayTest.tagged(
              "POST /api/orders", "req-p1", "INSERT INTO watched_p VALUES (1)"));
      sessions.open("migrate").start("DROP TABLE watched_p");
      sessions.awaitWaitingOnLock(1);

      Console.Result locks = as("console_monitor", "locks", "--app", "orders-api");
      assertEquals(0, locks.exitCode(), locks.toString());
      assertTrue(
          locks
              .lines()
              .get(1)
              .startsWith("pid " + holder.pid() + " (POST /api/orders, idle in transaction"),
          locks.toString());
      JsonNode activity = IncidentReplayTest.json(as("console_monitor", "activity", "--json"));
      assertEquals(0, activity.get("hidden").asInt());
      assertEquals(
          "sqlorigin",
          IncidentReplayTest.group(activity, "POST /api/orders").get("origin_source").asText());
    }
  }

  @Test
  void aRoleWithoutPrivilegesIsToldWhatItCannotSee() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("orders-api")
          .start(IncidentReplayTest.tagged("GET /api/secret", "req-p2", "SELECT pg_sleep(600)"));
      sessions.await(
          "the statement to run",
          rows -> rows.stream().anyMatch(r -> "PgSleep".equals(r.waitEvent())));

      Console.Result text = as("console_nobody", "activity").saveAs("activity-without-privileges");
      assertEquals(0, text.exitCode(), text.toString());
      assertTrue(
          text.out()
              .contains(
                  "not visible to role console_nobody: their query, state and ages are hidden (grant it pg_monitor to see them)"),
          text.toString());
      assertTrue(!text.out().contains("/api/secret"), text.toString());
      JsonNode activity = IncidentReplayTest.json(as("console_nobody", "activity", "--json"));
      assertTrue(activity.get("hidden").asInt() >= 1, activity.toString());
      // application_name stays visible to everyone: the group is named after it, marked hidden.
      JsonNode group = IncidentReplayTest.group(activity, "orders-api");
      assertEquals("hidden", group.get("origin_source").asText());
      assertEquals(0, as("console_nobody", "locks").exitCode());
    }
  }
}
