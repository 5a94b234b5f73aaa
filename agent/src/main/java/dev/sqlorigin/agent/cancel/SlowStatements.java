package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.agent.otel.QueryText;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.database.BackendPid;
import dev.sqlorigin.database.StatementText;
import dev.sqlorigin.lifecycle.RequestObserver;
import dev.sqlorigin.log.AgentLog;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The long-statement watch ({@code sqlorigin.statements.slow-threshold}): a statement still running
 * past the threshold is logged once, while it runs (route, request ID, age, the PostgreSQL backend
 * pid, the head of its text), and again when it ends, so that monitoring hears of it before it is
 * over. The watchdog looks at each round ({@link #check}); the lifecycle tells of the end.
 */
final class SlowStatements implements RequestObserver {

  // The head of a statement's text in the line: enough to recognise it, short enough for a log.
  static final int HEAD_LENGTH = 120;

  private final long thresholdNanos;
  // The text of execute(String) statements while they run (a prepared statement's is asked of the
  // driver when it turns slow): the one thing a plain statement cannot tell afterwards.
  private final Map<Object, String> texts = new ConcurrentHashMap<>();
  // Statements logged as slow, until their end is logged.
  private final Map<Object, Slow> reported = new ConcurrentHashMap<>();

  SlowStatements(Duration threshold) {
    this.thresholdNanos = threshold.toNanos();
  }

  /** What was said of a slow statement, to say again at its end. */
  private static final class Slow {
    final long startNanos;
    final String what;

    Slow(long startNanos, String what) {
      this.startNanos = startNanos;
      this.what = what;
    }
  }

  /** Logs the statements of {@code context} that turned slow by {@code now}. */
  void check(RequestContext context, long now) {
    for (Map.Entry<Object, Long> running : context.statementsInFlight().entrySet()) {
      Object statement = running.getKey();
      long start = running.getValue();
      if (now - start < thresholdNanos || reported.containsKey(statement)) {
        continue;
      }
      int pid = BackendPid.of(statement);
      String backend = pid > 0 ? ", backend pid " + pid : "";
      String head = head(statement);
      Slow slow =
          new Slow(
              start, context.route() + ", request " + context.requestId() + backend + ": " + head);
      // Recorded only while it still runs: its end, which removes the record, cannot slip between.
      if (context.whileInFlight(statement, () -> reported.put(statement, slow))) {
        AgentLog.info(
            String.format(
                Locale.ROOT,
                "slow statement: %s, request %s, running for %.1f s%s: %s",
                context.route(),
                context.requestId(),
                (now - start) / 1e9,
                backend,
                head));
      }
    }
  }

  @Override
  public void statementStarted(RequestContext context, Object statement, String sql) {
    if (sql != null) {
      texts.put(statement, sql);
    }
  }

  @Override
  public void statementEnded(
      RequestContext context, Object statement, Throwable thrown, CancelOutcome outcome) {
    texts.remove(statement);
    if (reported.isEmpty()) {
      return;
    }
    Slow slow = reported.remove(statement);
    if (slow != null) {
      String state =
          thrown instanceof SQLException && ((SQLException) thrown).getSQLState() != null
              ? " (failed: " + ((SQLException) thrown).getSQLState() + ")"
              : thrown != null ? " (failed: " + thrown.getClass().getName() + ")" : "";
      AgentLog.info(
          String.format(
              Locale.ROOT,
              "slow statement ended after %.1f s%s: %s",
              (System.nanoTime() - slow.startNanos) / 1e9,
              state,
              slow.what));
    }
  }

  /** The statement's text, without sqlorigin's comment, literals as {@code ?}, on one line. */
  private String head(Object statement) {
    String sql = texts.get(statement);
    if (sql == null) {
      sql = StatementText.of(statement);
    }
    if (sql == null) {
      return "(its text is not known to the driver)";
    }
    String text =
        QueryText.sanitize(SqlComment.strip(sql))
            // pgjdbc shows a prepared statement's parameters in place, each as ('value'::type):
            // once sanitized, (?::type), which reads as the ? the application wrote.
            .replaceAll("\\(\\?::[A-Za-z0-9_ \"\\[\\]]+\\)", "?")
            .replaceAll("\\s+", " ")
            .strip();
    return text.length() <= HEAD_LENGTH ? text : text.substring(0, HEAD_LENGTH) + "…";
  }
}
