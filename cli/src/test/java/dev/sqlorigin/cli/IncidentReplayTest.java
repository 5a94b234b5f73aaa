package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlorigin.cli.support.Console;
import dev.sqlorigin.cli.support.Sessions;
import dev.sqlorigin.comment.CommentFormat;
import dev.sqlorigin.comment.SqlComment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The incidents behind sqlorigin, built with real sessions on a real PostgreSQL, and what {@code
 * locks} and {@code activity} say about them, as text and as JSON.
 */
class IncidentReplayTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static String tagged(String route, String requestId, String sql) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("route", route);
    fields.put("request_id", requestId);
    return SqlComment.insert(sql, SqlComment.render(CommentFormat.SQLORIGIN, fields));
  }

  static JsonNode json(Console.Result result) throws Exception {
    assertEquals(0, result.exitCode(), result.toString());
    return JSON.readTree(result.out());
  }

  /** The root of the tree whose root is {@code pid}. */
  static JsonNode root(JsonNode locks, int pid) {
    for (JsonNode root : locks.get("roots")) {
      if (root.get("pid").asInt() == pid) {
        return root;
      }
    }
    throw new AssertionError("pid " + pid + " is no root blocker in " + locks.toPrettyString());
  }

  static List<Integer> pids(JsonNode nodes) {
    List<Integer> pids = new ArrayList<>();
    nodes.forEach(node -> pids.add(node.get("pid").asInt()));
    return pids;
  }

  @Test
  void anIdleApiTransactionBehindAMigrationIsNamedAsTheRootBlockerOfElevenSessions()
      throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("setup")
          .run("DROP TABLE IF EXISTS accounts_a")
          .run("CREATE TABLE accounts_a (id int PRIMARY KEY, balance int, legacy text)")
          .run("INSERT INTO accounts_a SELECT g, 100, 'x' FROM generate_series(1, 20) g");
      Sessions.Session api = sessions.open("orders-api").begin();
      api.run(
          tagged(
              "POST /api/campaign-participations",
              "req-a1",
              "UPDATE accounts_a SET balance = balance - 1 WHERE id = 1"));
      Sessions.Session migration = sessions.open("flyway");
      migration.start("ALTER TABLE accounts_a DROP COLUMN legacy");
      sessions.awaitWaitingOnLock(1);
      List<Integer> readers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Sessions.Session reader = sessions.open("orders-api");
        readers.add(reader.pid());
        reader.start(
            tagged(
                "GET /api/accounts/{id}",
                "req-b" + i,
                "SELECT balance FROM accounts_a WHERE id = 2"));
      }
      sessions.awaitWaitingOnLock(11);

      Console.Result text =
          Console.against("locks", "--app", "orders-api").saveAs("replay-a-locks");
      Console.against("activity", "--app", "orders-api").saveAs("replay-a-activity");
      assertEquals(0, text.exitCode(), text.toString());
      String verdict = text.lines().get(1);
      assertTrue(
          verdict.matches(
              "pid "
                  + api.pid()
                  + " \\(POST /api/campaign-participations, idle in transaction [0-9.smh]+\\)"
                  + " blocks 11 sessions.*"),
          text.toString());
      assertTrue(text.out().contains("holds RowExclusiveLock on accounts_a"), text.toString());
      assertTrue(text.out().contains("10 × GET /api/accounts/{id}  active up to"), text.toString());
      assertTrue(
          text.out()
              .contains(
                  "waits for AccessExclusiveLock on accounts_a · queued ahead of its waiters"),
          text.toString());

      JsonNode locks = json(Console.against("locks", "--json"));
      JsonNode root = root(locks, api.pid());
      assertEquals(11, root.get("blocks").asInt());
      assertEquals("POST /api/campaign-participations", root.get("origin").asText());
      assertEquals("sqlorigin", root.get("origin_source").asText());
      assertEquals("req-a1", root.get("request_id").asText());
      assertEquals("idle in transaction", root.get("state").asText());
      assertEquals(List.of(migration.pid()), pids(root.get("waiters")));
      JsonNode migrating = root.get("waiters").get(0);
      assertEquals("flyway", migrating.get("origin").asText());
      assertEquals("application_name", migrating.get("origin_source").asText());
      assertEquals("AccessExclusiveLock on accounts_a", migrating.get("waits_for").asText());
      assertEquals(
          "ahead in the queue for AccessExclusiveLock on accounts_a",
          migrating.get("holds").get(0).asText());
      assertEquals(10, migrating.get("blocks").asInt());
      List<Integer> waiting = pids(migrating.get("waiters"));
      waiting.sort(null);
      assertEquals(readers, waiting);
      for (JsonNode reader : migrating.get("waiters")) {
        assertEquals("GET /api/accounts/{id}", reader.get("origin").asText());
        assertEquals("AccessShareLock on accounts_a", reader.get("waits_for").asText());
      }

      JsonNode activity = json(Console.against("activity", "--json", "--app", "orders-api"));
      JsonNode reads = group(activity, "GET /api/accounts/{id}");
      assertEquals(10, reads.get("sessions").asInt());
      assertEquals(10, reads.get("active").asInt());
      assertEquals(10, reads.get("waiting_on_lock").asInt());
      assertEquals("orders-api", reads.get("application").asText());
      assertTrue(reads.get("sample_request_id").asText().startsWith("req-b"));
      JsonNode holder = group(activity, "POST /api/campaign-participations");
      assertEquals(1, holder.get("idle_in_transaction").asInt());
      assertTrue(holder.get("oldest_idle_in_transaction_s").asDouble() > 0);
      assertEquals("req-a1", holder.get("sample_request_id").asText());
    }
  }

  @Test
  void aBackupCopyToStdoutIsNamedAsWhatBlocksADropTable() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("setup")
          .run("DROP TABLE IF EXISTS events_b")
          .run("CREATE TABLE events_b (id int, payload text)")
          // Enough rows that the copy fills the socket's buffers and stays running while nobody
          // reads: a backup streaming to a slow disk.
          .run("INSERT INTO events_b SELECT g, repeat('x', 400) FROM generate_series(1, 100000) g");
      Sessions.Session backup = sessions.open("nightly-backup (pg_dump)");
      backup.run("SET statement_timeout = 0");
      CopyOut copy =
          backup
              .connection()
              .unwrap(PGConnection.class)
              .getCopyAPI()
              .copyOut("COPY public.events_b (id, payload) TO stdout");
      assertNotNull(copy.readFromCopy());
      sessions.await(
          "the backup's COPY to stall on its client",
          rows ->
              rows.stream()
                  .anyMatch(r -> r.pid() == backup.pid() && "ClientWrite".equals(r.waitEvent())));
      Sessions.Session migration = sessions.open("migrate");
      migration.start("DROP TABLE events_b");
      sessions.awaitWaitingOnLock(1);

      Console.Result text = Console.against("locks", "--app", "backup").saveAs("replay-b-locks");
      assertTrue(
          text.lines()
              .get(1)
              .matches(
                  "pid "
                      + backup.pid()
                      + " \\(nightly-backup \\(pg_dump\\), active [0-9.smh]+\\) blocks 1 session.*"),
          text.toString());
      assertTrue(
          text.out().contains("COPY public.events_b (id, payload) TO stdout"), text.toString());
      assertTrue(text.out().contains("wait Client:ClientWrite"), text.toString());

      JsonNode root = root(json(Console.against("locks", "--json")), backup.pid());
      assertEquals("nightly-backup (pg_dump)", root.get("origin").asText());
      assertEquals("application_name", root.get("origin_source").asText());
      assertEquals("AccessShareLock on events_b", root.get("holds").get(0).asText());
      JsonNode dropping = root.get("waiters").get(0);
      assertEquals(migration.pid(), dropping.get("pid").asInt());
      assertEquals("AccessExclusiveLock on events_b", dropping.get("waits_for").asText());
      assertEquals("DROP TABLE events_b", dropping.get("query").asText());
    }
  }

  @Test
  void aFullTableUpdateFromOneRouteIsNamedAsWhatBlocksTheImportsOfAnother() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("setup")
          .run("DROP TABLE IF EXISTS participations_c")
          .run("CREATE TABLE participations_c (id int PRIMARY KEY, campaign_id int, score int)")
          .run("INSERT INTO participations_c SELECT g, 1, 0 FROM generate_series(1, 100) g")
          // The recompute takes its time on the last row, with the others already locked.
          .run(
              "CREATE OR REPLACE FUNCTION recompute_score(id int, score int) RETURNS int AS $$"
                  + " BEGIN IF id = 100 THEN PERFORM pg_sleep(600); END IF; RETURN score + 1; END"
                  + " $$ LANGUAGE plpgsql");
      Sessions.Session recompute = sessions.open("campaign-api");
      recompute.start(
          tagged(
              "POST /api/campaign-participations/recompute",
              "req-c1",
              "UPDATE participations_c SET score = recompute_score(id, score)"));
      sessions.await(
          "the recompute to reach its last row",
          rows ->
              rows.stream()
                  .anyMatch(r -> r.pid() == recompute.pid() && "PgSleep".equals(r.waitEvent())));
      List<Integer> imports = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        Sessions.Session importer = sessions.open("imports-api");
        imports.add(importer.pid());
        importer.start(
            tagged(
                "POST /api/imports",
                "req-i" + i,
                "UPDATE participations_c SET campaign_id = 2 WHERE id = " + (i * 10)));
      }
      sessions.awaitWaitingOnLock(3);

      Console.Result text = Console.against("locks", "--route", "/api/").saveAs("replay-c-locks");
      assertTrue(
          text.lines()
              .get(1)
              .matches(
                  "pid "
                      + recompute.pid()
                      + " \\(POST /api/campaign-participations/recompute, active [0-9.smh]+\\)"
                      + " blocks 3 sessions.*"),
          text.toString());
      assertTrue(text.out().contains("3 × POST /api/imports  active up to"), text.toString());

      JsonNode root = root(json(Console.against("locks", "--json")), recompute.pid());
      assertEquals("POST /api/campaign-participations/recompute", root.get("origin").asText());
      assertEquals("active", root.get("state").asText());
      assertTrue(root.get("holds").get(0).asText().startsWith("ExclusiveLock on transaction "));
      List<Integer> waiting = pids(root.get("waiters"));
      waiting.sort(null);
      assertEquals(imports, waiting);
      for (JsonNode importer : root.get("waiters")) {
        assertEquals("POST /api/imports", importer.get("origin").asText());
        assertTrue(
            importer
                .get("waits_for")
                .asText()
                .matches("ShareLock on transaction \\d+ \\(a row of participations_c\\)"),
            importer.toString());
      }
    }
  }

  @Test
  void aSessionWaitingForTwoBlockersIsDrawnUnderBothAndCountedForEach() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("setup")
          .run("DROP TABLE IF EXISTS shared_m")
          .run("CREATE TABLE shared_m (id int PRIMARY KEY, v int)")
          .run("INSERT INTO shared_m VALUES (1, 0), (2, 0)");
      Sessions.Session first = sessions.open("api").begin();
      first.run(tagged("PUT /api/items/{id}", "req-m1", "UPDATE shared_m SET v = 1 WHERE id = 1"));
      Sessions.Session second = sessions.open("api").begin();
      second.run(tagged("PUT /api/items/{id}", "req-m2", "UPDATE shared_m SET v = 2 WHERE id = 2"));
      Sessions.Session locker = sessions.open("maintenance").begin();
      locker.start("LOCK TABLE shared_m IN ACCESS EXCLUSIVE MODE");
      sessions.awaitWaitingOnLock(1);
      Sessions.Session reader = sessions.open("reports");
      reader.start("SELECT count(*) FROM shared_m");
      sessions.awaitWaitingOnLock(2);

      JsonNode locks = json(Console.against("locks", "--json"));
      JsonNode a = root(locks, first.pid());
      JsonNode b = root(locks, second.pid());
      assertEquals(2, a.get("blocks").asInt());
      assertEquals(2, b.get("blocks").asInt());
      JsonNode full = a.get("waiters").get(0).has("repeat") ? b : a;
      JsonNode repeat = full == a ? b : a;
      JsonNode lockerNode = full.get("waiters").get(0);
      assertEquals(locker.pid(), lockerNode.get("pid").asInt());
      assertEquals(1, lockerNode.get("also_waits_for").size());
      assertEquals(List.of(reader.pid()), pids(lockerNode.get("waiters")));
      assertTrue(repeat.get("waiters").get(0).get("repeat").asBoolean());
      assertEquals(0, repeat.get("waiters").get(0).get("waiters").size());

      Console.Result text = Console.against("locks", "--app", "api").saveAs("two-blockers-locks");
      assertTrue(text.out().contains("also waits for pid"), text.toString());
      assertTrue(
          text.out().contains("(also waits for another blocker: drawn above)"), text.toString());
    }
  }

  @Test
  void aWaitCycleIsShownOnceRoundAndNamedAsADeadlock() throws Exception {
    try (Sessions sessions = new Sessions()) {
      sessions
          .open("setup")
          .run("DROP TABLE IF EXISTS cycle_d")
          .run("CREATE TABLE cycle_d (id int PRIMARY KEY, v int)")
          .run("INSERT INTO cycle_d VALUES (1, 0), (2, 0)");
      // Long enough that the server does not break the cycle before the console looks.
      Sessions.Session a = sessions.open("transfers").begin().run("SET deadlock_timeout = '10min'");
      Sessions.Session b = sessions.open("transfers").begin().run("SET deadlock_timeout = '10min'");
      a.run(tagged("POST /api/transfers", "req-d1", "UPDATE cycle_d SET v = 1 WHERE id = 1"));
      b.run(tagged("POST /api/transfers", "req-d2", "UPDATE cycle_d SET v = 2 WHERE id = 2"));
      a.start(tagged("POST /api/transfers", "req-d1", "UPDATE cycle_d SET v = 1 WHERE id = 2"));
      sessions.awaitWaitingOnLock(1);
      b.start(tagged("POST /api/transfers", "req-d2", "UPDATE cycle_d SET v = 2 WHERE id = 1"));
      sessions.awaitWaitingOnLock(2);

      JsonNode locks = json(Console.against("locks", "--json", "--app", "transfers"));
      List<Integer> cycle = new ArrayList<>(List.of(a.pid(), b.pid()));
      cycle.sort(null);
      assertEquals(List.of(cycle), JSON.convertValue(locks.get("cycles"), List.class));
      assertEquals(1, locks.get("roots").size());
      JsonNode root = locks.get("roots").get(0);
      JsonNode other = root.get("waiters").get(0);
      assertEquals(
          cycle.stream().filter(p -> p != root.get("pid").asInt()).findFirst().get(),
          other.get("pid").asInt());
      JsonNode closing = other.get("waiters").get(0);
      assertEquals(root.get("pid").asInt(), closing.get("pid").asInt());
      assertTrue(closing.get("closes_cycle").asBoolean());
      assertEquals(0, closing.get("waiters").size());

      Console.Result text = Console.against("locks", "--app", "transfers").saveAs("cycle-locks");
      String verdict = text.lines().get(1);
      assertTrue(
          verdict.equals(
              "pids "
                  + cycle.get(0)
                  + " and "
                  + cycle.get(1)
                  + " wait for one another (a deadlock: the server cancels one of them after"
                  + " deadlock_timeout)"),
          text.toString());
      assertTrue(text.out().contains("↺ the wait goes round: a deadlock"), text.toString());
      assertFalse(text.out().contains("drawn above"), text.toString());
    }
  }

  static JsonNode group(JsonNode activity, String origin) {
    for (JsonNode group : activity.get("groups")) {
      if (group.get("origin").asText().equals(origin)) {
        return group;
      }
    }
    throw new AssertionError("no group " + origin + " in " + activity.toPrettyString());
  }
}
