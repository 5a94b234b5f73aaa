package dev.sqlorigin.cli.support;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Real sessions on the test database that build an incident: each its own connection and
 * application_name, statements run in the background where they will wait. Closing terminates every
 * backend it opened, so that nothing of one test waits into the next.
 */
public final class Sessions implements AutoCloseable {

  private final List<Session> opened = new ArrayList<>();
  private final ExecutorService background = Executors.newCachedThreadPool();

  /** One connection. */
  public final class Session {
    private final Connection connection;
    private final int pid;

    private Session(Connection connection, int pid) {
      this.connection = connection;
      this.pid = pid;
    }

    public int pid() {
      return pid;
    }

    public Connection connection() {
      return connection;
    }

    /** Runs {@code sql} now (in the session's transaction, if one is open). */
    public Session run(String sql) throws SQLException {
      try (Statement statement = connection.createStatement()) {
        statement.execute(sql);
      }
      return this;
    }

    /** Starts {@code sql} in the background: for a statement that will wait or run long. */
    public Future<?> start(String sql) {
      return background.submit(
          () -> {
            try (Statement statement = connection.createStatement()) {
              statement.execute(sql);
            }
            return null;
          });
    }

    /** Opens a transaction that stays open (and so idle in transaction) after each statement. */
    public Session begin() throws SQLException {
      connection.setAutoCommit(false);
      return this;
    }
  }

  public Session open(String applicationName) throws SQLException {
    Connection connection = TestDatabase.get().connect();
    connection.setClientInfo("ApplicationName", applicationName);
    int pid;
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    }
    Session session = new Session(connection, pid);
    opened.add(session);
    return session;
  }

  /** A row of pg_stat_activity, as the test looks at it. */
  public record Row(int pid, String state, String waitEventType, String waitEvent, String query) {}

  /**
   * Waits (30 s at most) until the sessions' rows satisfy {@code condition}: a statement started in
   * the background has reached the server and is waiting.
   */
  public void await(String what, Predicate<List<Row>> condition) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    List<Row> rows = List.of();
    try (Connection watcher = TestDatabase.get().connect();
        PreparedStatement statement =
            watcher.prepareStatement(
                "SELECT pid, state, wait_event_type, wait_event, query FROM pg_stat_activity"
                    + " WHERE pid = ANY (?)")) {
      statement.setArray(1, watcher.createArrayOf("int4", pids().toArray()));
      while (System.nanoTime() < deadline) {
        rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            rows.add(
                new Row(
                    rs.getInt(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5)));
          }
        }
        if (condition.test(rows)) {
          return;
        }
        Thread.sleep(20);
      }
    }
    fail("waited 30 s for " + what + "; the sessions are: " + rows);
  }

  /** Waits until {@code count} of the sessions wait on a lock. */
  public void awaitWaitingOnLock(int count) throws Exception {
    await(
        count + " sessions waiting on a lock",
        rows -> rows.stream().filter(r -> "Lock".equals(r.waitEventType())).count() == count);
  }

  public List<Integer> pids() {
    return opened.stream().map(Session::pid).toList();
  }

  @Override
  public void close() throws Exception {
    try (Connection admin = TestDatabase.get().connect();
        PreparedStatement terminate =
            admin.prepareStatement("SELECT pg_terminate_backend(pid) FROM unnest(?::int[]) pid")) {
      terminate.setArray(1, admin.createArrayOf("int4", pids().toArray()));
      terminate.execute();
    }
    for (Session session : opened) {
      try {
        session.connection.close();
      } catch (SQLException ignored) {
        // terminated above
      }
    }
    background.shutdownNow();
  }
}
