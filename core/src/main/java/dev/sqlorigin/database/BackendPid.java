package dev.sqlorigin.database;

import dev.sqlorigin.log.AgentLog;

/**
 * The PostgreSQL backend process that runs a statement: the {@code pid} of its row in {@code
 * pg_stat_activity}, so that a request and a backend can be joined both ways. Core cannot see
 * {@code java.sql} nor the driver; the JDBC instrumentation provides the reader.
 */
public final class BackendPid {

  /** Reads the pid of a statement's connection without a round trip; 0 when it cannot tell. */
  public interface Reader {
    int of(Object statement);
  }

  private static volatile Reader reader;

  private BackendPid() {}

  public static void install(Reader newReader) {
    reader = newReader;
  }

  /** The pid of the backend serving {@code statement}'s connection, or 0 when unknown. */
  public static int of(Object statement) {
    Reader current = reader;
    if (current == null || statement == null) {
      return 0;
    }
    try {
      return current.of(statement);
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "backend-pid:" + statement.getClass().getName(),
          "could not read the backend pid of a statement of " + statement.getClass().getName(),
          t);
      return 0;
    }
  }

  /** {@code ", backend pid N"} or nothing, for a log line. */
  public static String describe(int pid) {
    return pid > 0 ? ", backend pid " + pid : "";
  }
}
