package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlorigin.cli.support.Console;
import dev.sqlorigin.cli.support.Sessions;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code cancel} signals a backend only while it runs the statement the operator saw, checked in
 * the same SQL statement as the signal.
 */
class CancelTest {

  /** The query_start of {@code pid}, as `activity --json` and `locks --json` give it. */
  private static String queryStart(Sessions sessions, int pid) throws Exception {
    JsonNode locks = IncidentReplayTest.json(Console.against("locks", "--json"));
    for (JsonNode root : locks.get("roots")) {
      if (root.get("pid").asInt() == pid) {
        return root.get("query_start").asText();
      }
    }
    throw new AssertionError("pid " + pid + " is no root blocker: " + locks);
  }

  /** A statement holding a lock someone waits for, so that `locks --json` lists it as a root. */
  private static Sessions.Session blocker(Sessions sessions, String table) throws Exception {
    sessions
        .open("setup")
        .run("DROP TABLE IF EXISTS " + table)
        .run("CREATE TABLE " + table + " (id int)");
    Sessions.Session blocker = sessions.open("imports-api").begin();
    blocker.run("LOCK TABLE " + table + " IN SHARE MODE");
    return blocker;
  }

  @Test
  void aRunningStatementIsCancelledAndTheAgentsWayIsShown() throws Exception {
    try (Sessions sessions = new Sessions()) {
      Sessions.Session blocker = blocker(sessions, "cancel_a");
      Future<?> sleeping =
          blocker.start(
              IncidentReplayTest.tagged("POST /api/imports", "req-x1", "SELECT pg_sleep(600)"));
      sessions.await(
          "the import to sleep",
          rows -> rows.stream().anyMatch(r -> "PgSleep".equals(r.waitEvent())));
      sessions.open("migrate").start("DROP TABLE cancel_a");
      sessions.awaitWaitingOnLock(1);

      String seen = queryStart(sessions, blocker.pid());
      Console.Result result =
          Console.against("cancel", "--pid", Integer.toString(blocker.pid()), "--query-start", seen)
              .saveAs("cancel-running");
      assertEquals(0, result.exitCode(), result.toString());
      assertTrue(
          result
              .out()
              .contains(
                  "JMX MBean dev.sqlorigin:type=Requests, operation cancelRequest(\"req-x1\")"),
          result.toString());
      assertTrue(
          result.out().contains("cancelled the statement of pid " + blocker.pid()),
          result.toString());
      ExecutionException failure =
          assertThrows(ExecutionException.class, () -> sleeping.get(30, TimeUnit.SECONDS));
      assertEquals("57014", ((SQLException) failure.getCause()).getSQLState());
    }
  }

  @Test
  void aBackendThatMovedOnIsLeftAlone() throws Exception {
    try (Sessions sessions = new Sessions()) {
      Sessions.Session blocker = blocker(sessions, "cancel_b");
      Future<?> first = blocker.start("SELECT pg_sleep(0.2)");
      sessions.open("migrate").start("DROP TABLE cancel_b");
      sessions.awaitWaitingOnLock(1);
      String seen = queryStart(sessions, blocker.pid());
      first.get(30, TimeUnit.SECONDS);
      Future<?> next = blocker.start("SELECT pg_sleep(600)");
      sessions.await(
          "the next statement to run",
          rows ->
              rows.stream()
                  .anyMatch(r -> r.pid() == blocker.pid() && "PgSleep".equals(r.waitEvent())));

      Console.Result result =
          Console.against(
              "cancel", "--pid", Integer.toString(blocker.pid()), "--query-start", seen);
      assertEquals(1, result.exitCode(), result.toString());
      assertTrue(
          result
              .out()
              .contains(
                  "did nothing: pid "
                      + blocker.pid()
                      + " is no longer running the statement you saw: it is active with a statement started at"),
          result.toString());
      assertFalse(next.isDone(), "the statement that came after is still running");
    }
  }

  @Test
  void anIdleTransactionCannotBeCancelledButCanBeTerminated() throws Exception {
    try (Sessions sessions = new Sessions()) {
      Sessions.Session blocker = blocker(sessions, "cancel_c");
      sessions.open("migrate").start("DROP TABLE cancel_c");
      sessions.awaitWaitingOnLock(1);
      String seen = queryStart(sessions, blocker.pid());
      String pid = Integer.toString(blocker.pid());

      Console.Result cancel = Console.against("cancel", "--pid", pid, "--query-start", seen);
      assertEquals(1, cancel.exitCode(), cancel.toString());
      assertTrue(cancel.out().contains("it is idle in transaction"), cancel.toString());

      Console.Result terminate =
          Console.against("cancel", "--pid", pid, "--query-start", seen, "--terminate")
              .saveAs("terminate-idle-in-transaction");
      assertEquals(0, terminate.exitCode(), terminate.toString());
      assertTrue(terminate.out().contains("terminated pid " + pid), terminate.toString());
      sessions.await(
          "the migration to go through",
          rows -> rows.stream().noneMatch(r -> "Lock".equals(r.waitEventType())));
    }
  }

  @Test
  void withoutTheStatementsStartAndNoTerminalItPrintsTheExactCommand() throws Exception {
    try (Sessions sessions = new Sessions()) {
      Sessions.Session sleeper = sessions.open("imports-api");
      Future<?> sleeping = sleeper.start("SELECT pg_sleep(600)");
      sessions.await(
          "the statement to run",
          rows -> rows.stream().anyMatch(r -> "PgSleep".equals(r.waitEvent())));
      Console.Result result = Console.against("cancel", "--pid", Integer.toString(sleeper.pid()));
      assertEquals(1, result.exitCode(), result.toString());
      assertTrue(
          result
              .out()
              .matches(
                  "(?s).*did nothing: to cancel exactly this, run sqlorigin cancel … --pid "
                      + sleeper.pid()
                      + " --query-start \\S+\n"),
          result.toString());
      assertFalse(sleeping.isDone());

      Console.Result gone =
          Console.against("cancel", "--pid", "1", "--query-start", "2020-01-01T00:00:00Z");
      assertEquals(1, gone.exitCode(), gone.toString());
      assertTrue(
          gone.out().contains("did nothing: pid 1 is not a backend of this server"),
          gone.toString());
    }
  }
}
