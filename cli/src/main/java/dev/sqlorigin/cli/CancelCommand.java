package dev.sqlorigin.cli;

import dev.sqlorigin.cli.connect.Database;
import dev.sqlorigin.cli.render.Inert;
import dev.sqlorigin.comment.OriginComment;
import dev.sqlorigin.comment.SqlComment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = {
      "Cancels a backend's statement (pg_cancel_backend), or ends its session with --terminate"
          + " (pg_terminate_backend), only if it is still running the statement you saw: the same"
          + " query_start, and for a cancel the state active; both checked in the same SQL"
          + " statement as the signal. Otherwise it says what changed and does nothing (exit 1).",
      "Without --query-start it shows what the backend runs and asks, on a terminal; elsewhere it"
          + " prints the exact command to run. `locks --json` and `activity --json` give"
          + " query_start."
    })
final class CancelCommand implements Callable<Integer> {

  // The signal goes out only if the row still is what the operator saw; the CASE evaluates the
  // function for that row alone, after the test.
  static final String GUARDED =
      "SELECT a.state, a.query_start, a.query,"
          + " CASE WHEN a.query_start = ?::timestamptz AND a.state = ANY (?)"
          + " THEN %s(a.pid) END AS signalled"
          + " FROM pg_stat_activity a WHERE a.pid = ?";

  private static final String[] CANCELLABLE = {"active"};
  // A terminate also ends an idle transaction: the lock holder of the classic pile-up.
  private static final String[] TERMINABLE = {
    "active", "idle in transaction", "idle in transaction (aborted)", "fastpath function call"
  };

  @ParentCommand Main main;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<connection>",
      description = "as for activity and locks; default: PG* variables and ~/.pgpass")
  String connection;

  @Option(names = "--pid", required = true, paramLabel = "<pid>", description = "the backend")
  int pid;

  @Option(
      names = "--query-start",
      paramLabel = "<timestamp>",
      description = "the query_start you saw (as --json prints it); without it, you are asked")
  String queryStart;

  @Option(
      names = "--terminate",
      description = "end the backend's session (pg_terminate_backend) instead of its statement")
  boolean terminate;

  @Option(
      names = "--statement-timeout",
      paramLabel = "<duration>",
      defaultValue = "3s",
      converter = Durations.Converter.class,
      description = "the longest one statement may take on the server (default ${DEFAULT-VALUE})")
  Duration statementTimeout;

  @Override
  public Integer call() throws SQLException {
    String verb = terminate ? "terminate" : "cancel";
    try (Database database =
        Database.open(
            dev.sqlorigin.cli.connect.ConnectionTarget.resolve(connection, main.environment),
            statementTimeout)) {
      Seen seen = database.read(connection -> seen(connection));
      if (seen == null) {
        main.out.println("did nothing: pid " + pid + " is not a backend of this server (any more)");
        return 1;
      }
      main.out.println(seen.describe());
      printApplicationSide(seen);
      String expected = queryStart;
      if (expected == null) {
        if (seen.queryStart == null) {
          main.out.println("did nothing: pid " + pid + " has run no statement to " + verb);
          return 1;
        }
        String exact =
            "sqlorigin "
                + verb.replace("terminate", "cancel --terminate")
                + " … --pid "
                + pid
                + " --query-start "
                + seen.queryStart;
        if (!Tty.interactive()) {
          main.out.println("did nothing: to " + verb + " exactly this, run " + exact);
          return 1;
        }
        main.out.print(
            (terminate ? "Terminate this session" : "Cancel this statement") + "? [y/N] ");
        main.out.flush();
        if (!confirmed()) {
          main.out.println("did nothing");
          return 1;
        }
        expected = seen.queryStart.toString();
      }
      String guarded =
          String.format(GUARDED, terminate ? "pg_terminate_backend" : "pg_cancel_backend");
      String sentTo = expected;
      Outcome outcome = database.write(connection -> signal(connection, guarded, sentTo));
      if (outcome == null) {
        main.out.println("did nothing: pid " + pid + " has ended");
        return 1;
      }
      if (outcome.signalled == null) {
        main.out.println(
            "did nothing: pid "
                + pid
                + " is no longer running the statement you saw: it is "
                + outcome.state
                + " with a statement started at "
                + outcome.queryStart
                + ": "
                + Inert.line(outcome.query, 120));
        return 1;
      }
      if (!outcome.signalled) {
        throw new ConsoleException("the server refused to " + verb + " pid " + pid);
      }
      main.out.println(
          (terminate ? "terminated pid " : "cancelled the statement of pid ")
              + pid
              + " (sent "
              + (terminate ? "pg_terminate_backend" : "pg_cancel_backend")
              + ")");
      return 0;
    }
  }

  private Seen seen(java.sql.Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT a.state, a.query_start, a.query, a.application_name,"
                + " statement_timestamp() - a.query_start AS age"
                + " FROM pg_stat_activity a WHERE a.pid = ?")) {
      statement.setInt(1, pid);
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return new Seen(
            pid,
            rs.getString("state"),
            rs.getObject("query_start", OffsetDateTime.class),
            rs.getString("query"),
            rs.getString("application_name"));
      }
    }
  }

  private Outcome signal(java.sql.Connection connection, String sql, String expected)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, expected);
      statement.setArray(2, connection.createArrayOf("text", terminate ? TERMINABLE : CANCELLABLE));
      statement.setInt(3, pid);
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        boolean signalled = rs.getBoolean("signalled");
        return new Outcome(
            rs.wasNull() ? null : signalled,
            rs.getString("state"),
            rs.getObject("query_start", OffsetDateTime.class),
            rs.getString("query"));
      } catch (SQLException e) {
        if ("22007".equals(e.getSQLState()) || "22008".equals(e.getSQLState())) {
          throw new ConsoleException(
              "--query-start '" + Inert.line(expected, 60) + "' is not a timestamp");
        }
        throw e;
      }
    }
  }

  /**
   * Where the statement carries sqlorigin's comment, the agent can cancel it inside the
   * application, which also fails the request's later statements fast and never hits a statement of
   * another request that reuses the connection.
   */
  private void printApplicationSide(Seen seen) {
    OriginComment comment = OriginComment.read(seen.query);
    boolean ours =
        comment != null
            && (comment.format() == OriginComment.Format.SQLORIGIN
                || SqlComment.isTagged(seen.query));
    if (!ours || comment.label() == null) {
      return;
    }
    String operation =
        comment.requestId() != null
            ? "cancelRequest(\"" + Inert.line(comment.requestId(), 64) + "\")"
            : "cancelRoute(\""
                + Inert.line(comment.label(), 120)
                + "\") (every request of the route)";
    main.out.println(
        "safer, inside the application: its sqlorigin agent cancels the request's statements"
            + " and fails its next ones fast. JMX MBean dev.sqlorigin:type=Requests, operation "
            + operation
            + " (jconsole, VisualVM or any JMX client, on the application's JVM)");
  }

  private boolean confirmed() {
    try {
      String answer =
          new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())).readLine();
      return answer != null && answer.trim().toLowerCase(Locale.ROOT).startsWith("y");
    } catch (IOException e) {
      return false;
    }
  }

  /** The backend as the operator is shown it. */
  private record Seen(
      int pid, String state, OffsetDateTime queryStart, String query, String applicationName) {
    String describe() {
      OriginComment comment = OriginComment.read(query);
      String origin = comment == null || comment.label() == null ? null : comment.label();
      return "pid "
          + pid
          + (origin == null ? "" : " (" + Inert.line(origin, 80) + ")")
          + ", application "
          + Inert.line(applicationName, 63)
          + ": "
          + (state == null ? "(state not visible to this role)" : state)
          + (queryStart == null ? "" : ", statement started at " + queryStart)
          + ": "
          + Inert.line(query, 120);
    }
  }

  private record Outcome(
      Boolean signalled, String state, OffsetDateTime queryStart, String query) {}
}
