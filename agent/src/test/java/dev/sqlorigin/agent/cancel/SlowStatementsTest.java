package dev.sqlorigin.agent.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;
import dev.sqlorigin.log.AgentLog;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The long-statement watch, on times the test chooses. */
class SlowStatementsTest {

  private static final long THRESHOLD = Duration.ofSeconds(2).toNanos();

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final SlowStatements slow = new SlowStatements(Duration.ofSeconds(2));
  private Binding binding;

  @BeforeEach
  void captureLog() {
    AgentLog.install(
        new AgentLog.Sink() {
          @Override
          public void info(String message) {
            log.add(message);
          }

          @Override
          public void warn(String message, Throwable cause) {
            log.add("WARN " + message);
          }

          @Override
          public void debug(String message) {}
        });
    RequestContext context =
        RequestLifecycle.start(RequestStart.http("POST", "POST /api/imports").requestId("slow-1"));
    binding = RequestLifecycle.bind(context);
  }

  @AfterEach
  void end() {
    RequestLifecycle.end(binding, 0, null);
    AgentLog.install(null);
  }

  /** A statement of the request, running since now, sent as {@code execute(sql)}. */
  private Object running(String sql) {
    Object statement = new Object();
    assertNull(RequestLifecycle.statementStarted(binding, statement, sql));
    slow.statementStarted(binding.context(), statement, sql);
    return statement;
  }

  private long startOf(Object statement) {
    return binding.context().statementsInFlight().get(statement);
  }

  @Test
  void aStatementPastTheThresholdIsLoggedOnceWhileItRunsAndAgainAtItsEnd() {
    Object statement =
        running(
            "/*sqlorigin route='POST /api/imports'*/ UPDATE imports SET rows = 42 WHERE id = 'x'");
    slow.check(binding.context(), startOf(statement) + THRESHOLD - 1);
    assertEquals(List.of(), log, "not before the threshold");
    slow.check(binding.context(), startOf(statement) + THRESHOLD);
    slow.check(binding.context(), startOf(statement) + 2 * THRESHOLD);
    assertEquals(
        List.of(
            "slow statement: POST /api/imports, request slow-1, running for 2.0 s:"
                + " UPDATE imports SET rows = ? WHERE id = ?"),
        log);
    RequestLifecycle.statementEnded(binding, statement, null);
    slow.statementEnded(
        binding.context(), statement, new SQLException("canceling statement", "57014"), null);
    assertEquals(2, log.size());
    assertTrue(
        log.get(1)
            .matches(
                "slow statement ended after [0-9.]+ s \\(failed: 57014\\): POST /api/imports,"
                    + " request slow-1: UPDATE imports SET rows = \\? WHERE id = \\?"),
        log.get(1));
  }

  @Test
  void aStatementThatEndedBeforeItWasSeenIsNotLogged() {
    Object statement = running("SELECT 1");
    long start = startOf(statement);
    RequestLifecycle.statementEnded(binding, statement, null);
    slow.statementEnded(binding.context(), statement, null, null);
    slow.check(binding.context(), start + THRESHOLD);
    assertEquals(List.of(), log);
  }

  @Test
  void aStatementWhoseTextTheDriverCannotTellSaysSo() {
    Object statement = running(null);
    slow.check(binding.context(), startOf(statement) + THRESHOLD);
    assertEquals(
        List.of(
            "slow statement: POST /api/imports, request slow-1, running for 2.0 s: (its text is"
                + " not known to the driver)"),
        log);
    RequestLifecycle.statementEnded(binding, statement, null);
  }
}
