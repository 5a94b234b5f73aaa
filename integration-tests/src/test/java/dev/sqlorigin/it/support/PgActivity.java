package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Predicate;

/** Reads {@code pg_stat_activity} the way an operator would, from a connection of its own. */
public final class PgActivity {

  private static final long POLL_MILLIS = 10;

  private PgActivity() {}

  /** A backend as pg_stat_activity shows it (both columns from the same snapshot). */
  public record Backend(String applicationName, String query) {}

  /**
   * Waits (up to 30 s) until a backend waits on a lock with a query that contains {@code fragment},
   * and returns that query's text.
   */
  public static String awaitWaitingQuery(String fragment) throws Exception {
    return awaitWaitingBackend(fragment, backend -> true).query();
  }

  /**
   * The same, for a backend that {@code accepted} also approves, returned whole. pg_stat_activity
   * reads a backend's query and name from a snapshot and its wait event live, so a pooled backend
   * that starts waiting can still show its previous query (and name) for a moment: a caller that
   * knows which statement it waits for says so.
   */
  public static Backend awaitWaitingBackend(String fragment, Predicate<Backend> accepted)
      throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Connection connection = TestDatabase.get().connect();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT application_name, query"
                      + " FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ? AND pid <> pg_backend_pid()")) {
        select.setString(1, "%" + fragment + "%");
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            Backend backend = new Backend(rs.getString(1), rs.getString(2));
            if (accepted.test(backend)) {
              return backend;
            }
          }
        }
      }
      Thread.sleep(POLL_MILLIS); // poll interval of the awaited condition
    }
    fail("no backend waited with a query containing " + fragment + " within 30 s");
    return null;
  }

  /**
   * Waits (up to 30 s) until a backend runs a query containing {@code fragment}; returns its text.
   */
  public static String awaitActiveQuery(String fragment) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      String query = first("state = 'active'", fragment);
      if (query != null) {
        return query;
      }
      Thread.sleep(POLL_MILLIS); // poll interval of the awaited condition
    }
    fail("no backend ran a query containing " + fragment + " within 30 s");
    return null;
  }

  /** How many backends run a query containing {@code fragment} (active, waiting included). */
  public static int running(String fragment) throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      try (ResultSet rs = select.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /**
   * Waits until exactly {@code count} backends run a query containing {@code fragment}; returns the
   * wait in ms.
   */
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
    fail(
        "expected "
            + count
            + " backends running '"
            + fragment
            + "' within "
            + timeoutMillis
            + " ms, saw "
            + seen);
    return -1;
  }

  /** The pids of the backends running a query containing {@code fragment} (active or waiting). */
  public static java.util.Set<Integer> runningPids(String fragment) throws SQLException {
    java.util.Set<Integer> pids = new java.util.TreeSet<>();
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getInt(1));
        }
      }
    }
    return pids;
  }

  /** Ends the backends still running a query containing {@code fragment} (test clean-up only). */
  public static void terminate(String fragment) throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      select.executeQuery().close();
    }
  }

  /** The texts of every backend's current or last query containing {@code fragment}. */
  public static java.util.Set<String> queries(String fragment) throws SQLException {
    java.util.Set<String> texts = new java.util.HashSet<>();
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT query FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          texts.add(rs.getString(1));
        }
      }
    }
    return texts;
  }

  private static String first(String condition, String fragment) throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT query FROM pg_stat_activity WHERE "
                    + condition
                    + " AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }
}
