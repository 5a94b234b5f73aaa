package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads {@code pg_stat_activity} the way an operator would, from a connection of its own. */
public final class PgActivity {

  private static final long POLL_MILLIS = 10;

  private PgActivity() {
  }

  /**
   * Waits (up to 30 s) until a backend waits on a lock with a query that contains
   * {@code fragment}, and returns that query's text.
   */
  public static String awaitWaitingQuery(String fragment) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      String query = first("wait_event_type = 'Lock'", fragment);
      if (query != null) {
        return query;
      }
      Thread.sleep(POLL_MILLIS); // poll interval of the awaited condition
    }
    fail("no backend waited with a query containing " + fragment + " within 30 s");
    return null;
  }

  /** How many backends run a query containing {@code fragment} (active, waiting included). */
  public static int running(String fragment) throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select = connection.prepareStatement(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Waits until exactly {@code count} backends run a query containing {@code fragment}; returns the wait in ms. */
  public static long awaitRunning(String fragment, int count, long timeoutMillis) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeoutMillis * 1_000_000L;
    int seen = -1;
    while (System.nanoTime() < deadline) {
      seen = running(fragment);
      if (seen == count) {
        return (System.nanoTime() - start) / 1_000_000L;
      }
      Thread.sleep(POLL_MILLIS); // poll interval of the awaited condition
    }
    fail("expected " + count + " backends running '" + fragment + "' within " + timeoutMillis + " ms, saw " + seen);
    return -1;
  }

  /** Ends the backends still running a query containing {@code fragment} (test clean-up only). */
  public static void terminate(String fragment) throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select = connection.prepareStatement(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      select.executeQuery().close();
    }
  }

  private static String first(String condition, String fragment) throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select = connection.prepareStatement("SELECT query FROM pg_stat_activity WHERE "
            + condition + " AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
