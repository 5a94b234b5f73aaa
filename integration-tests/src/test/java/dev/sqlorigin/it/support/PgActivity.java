package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Reads {@code pg_stat_activity} the way an operator would, from a connection of its own. */
public final class PgActivity {

  private PgActivity() {
  }

  /**
   * Waits (up to 30 s, polling the server) until a backend waits on a lock with a query that
   * contains {@code fragment}, and returns that query's text.
   */
  public static String awaitWaitingQuery(String fragment) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    try (Connection connection = TestDatabase.get().connect();
        PreparedStatement select = connection.prepareStatement(
            "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?"
                + " AND pid <> pg_backend_pid()")) {
      select.setString(1, "%" + fragment + "%");
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = select.executeQuery()) {
          if (rs.next()) {
            return rs.getString(1);
          }
        }
        Thread.sleep(20); // poll interval of the awaited condition
      }
    }
    fail("no backend waited with a query containing " + fragment + " within 30 s");
    return null;
  }
}
