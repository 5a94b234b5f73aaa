package dev.sqlorigin.cli.connect;

import dev.sqlorigin.cli.ConsoleException;
import dev.sqlorigin.cli.render.Inert;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * The console's one connection. It names itself ({@code application_name = sqlorigin console}) so
 * that it can be recognised, and leave itself out; it reads in read-only transactions with a short
 * {@code statement_timeout} and {@code lock_timeout}, set with {@code SET LOCAL} in each so that
 * they hold behind a transaction-mode pooler too.
 */
public final class Database implements AutoCloseable {

  /** How the console shows up in {@code pg_stat_activity}. */
  public static final String APPLICATION_NAME = "sqlorigin console";

  /** The oldest server whose {@code pg_stat_activity} the console reads. */
  static final int OLDEST_MAJOR_VERSION = 12;

  private final ConnectionTarget target;
  private final Duration statementTimeout;
  private final Connection connection;
  private final String serverVersion;

  private Database(
      ConnectionTarget target, Duration statementTimeout, Connection connection, String version) {
    this.target = target;
    this.statementTimeout = statementTimeout;
    this.connection = connection;
    this.serverVersion = version;
  }

  /**
   * Connects and checks the server.
   *
   * @throws ConsoleException in one line: unreachable, refused, wrong password, too old
   */
  public static Database open(ConnectionTarget target, Duration statementTimeout) {
    Properties properties = target.properties();
    properties.setProperty("ApplicationName", APPLICATION_NAME);
    properties.putIfAbsent("connectTimeout", "5");
    properties.putIfAbsent("loginTimeout", "10");
    // A network that drops packets must not hang a refresh: the server's own timeouts cannot help
    // there.
    properties.putIfAbsent(
        "socketTimeout", Long.toString(Math.max(10, statementTimeout.toSeconds() * 3)));
    Connection connection;
    try {
      connection = new org.postgresql.Driver().connect(target.jdbcUrl(), properties);
      if (connection == null) {
        throw new ConsoleException("pgjdbc does not accept the URL of " + target.display());
      }
    } catch (SQLException e) {
      throw new ConsoleException("cannot connect to " + target.display() + ": " + oneLine(e));
    }
    try {
      int major = connection.getMetaData().getDatabaseMajorVersion();
      String version = connection.getMetaData().getDatabaseProductVersion();
      if (major < OLDEST_MAJOR_VERSION) {
        throw new ConsoleException(
            target.display()
                + " runs PostgreSQL "
                + Inert.line(version, 40)
                + "; the console reads PostgreSQL "
                + OLDEST_MAJOR_VERSION
                + " or newer");
      }
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      return new Database(target, statementTimeout, connection, version);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(connection);
      if (e instanceof ConsoleException) {
        throw (ConsoleException) e;
      }
      throw new ConsoleException("cannot use " + target.display() + ": " + oneLine(e));
    }
  }

  /** Work to do in one read-only transaction. */
  public interface Read<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code read} in a read-only transaction bounded by the statement and lock timeouts, and
   * ends it.
   */
  public <T> T read(Read<T> read) throws SQLException {
    try {
      try (Statement statement = connection.createStatement()) {
        // pgjdbc begins the transaction READ ONLY with this first statement.
        statement.execute(
            "SET LOCAL statement_timeout = "
                + Math.max(1, statementTimeout.toMillis())
                + "; SET LOCAL lock_timeout = "
                + Math.max(1, Math.min(1000, statementTimeout.toMillis() / 2)));
      }
      T result = read.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is broken: the caller reconnects
      }
      throw e;
    }
  }

  /** Runs {@code statement} in a transaction of its own that may write (a cancel, a terminate). */
  public <T> T write(Read<T> write) throws SQLException {
    connection.setReadOnly(false);
    try {
      return read(write);
    } finally {
      connection.setReadOnly(true);
    }
  }

  public boolean isValid() {
    try {
      return connection.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  public ConnectionTarget target() {
    return target;
  }

  public String serverVersion() {
    return serverVersion;
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  /** The first line of an error, with the server's severity prefix dropped, printable. */
  public static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    for (String prefix : new String[] {"FATAL: ", "ERROR: "}) {
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
    }
    return Inert.line(message.trim(), 300);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // closing is best effort
    }
  }
}
