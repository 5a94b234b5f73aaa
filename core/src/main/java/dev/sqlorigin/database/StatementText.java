package dev.sqlorigin.database;

import dev.sqlorigin.log.AgentLog;

/**
 * The text of a statement that is running, for the rare line that names it (a slow statement):
 * asked of the driver then, rather than kept for every statement. Core cannot see {@code java.sql};
 * the JDBC instrumentation provides the reader.
 */
public final class StatementText {

  /** The statement's SQL as its driver shows it, or null when the driver does not. */
  public interface Reader {
    String of(Object statement);
  }

  private static volatile Reader reader;

  private StatementText() {}

  public static void install(Reader newReader) {
    reader = newReader;
  }

  /** The SQL of {@code statement} (pgjdbc: with its parameters in place), or null. */
  public static String of(Object statement) {
    Reader current = reader;
    if (current == null || statement == null) {
      return null;
    }
    try {
      return current.of(statement);
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "statement-text:" + statement.getClass().getName(),
          "could not read the text of a statement of " + statement.getClass().getName(),
          t);
      return null;
    }
  }
}
