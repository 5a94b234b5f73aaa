package dev.sqlorigin.apps.probe;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.function.IntSupplier;
import javax.sql.DataSource;

/**
 * The JDBC work of the test applications, free of any server API so that every application (javax
 * and jakarta servlets, Quarkus, Micronaut) shares it. Each kind of statement asks PostgreSQL for
 * {@code current_query()}: the text as the server received it, comment included.
 */
public final class Probe {

  private final String jdbcUrl;
  private final DataSource pool;
  private final IntSupplier totalConnections;
  private final int maximumPoolSize;

  /** Over a HikariCP pool of its own, sized by {@code probe.pool.*} system properties. */
  public Probe(String jdbcUrl) throws SQLException {
    this(jdbcUrl, hikari(jdbcUrl));
  }

  private Probe(String jdbcUrl, HikariDataSource hikari) throws SQLException {
    this(
        jdbcUrl,
        hikari,
        () -> hikari.getHikariPoolMXBean().getTotalConnections(),
        hikari.getMaximumPoolSize());
  }

  /**
   * Over the pool a framework configured (Quarkus's Agroal, Micronaut's HikariCP): {@code
   * totalConnections} tells how many connections it holds, {@code maximumPoolSize} its limit.
   */
  public Probe(String jdbcUrl, DataSource pool, IntSupplier totalConnections, int maximumPoolSize)
      throws SQLException {
    this.jdbcUrl = jdbcUrl;
    if (Boolean.getBoolean("probe.record-cancels")) {
      SentCancels.install();
    }
    this.pool = pool;
    this.totalConnections = totalConnections;
    this.maximumPoolSize = maximumPoolSize;
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS probe_seen(token text, q text)");
      statement.execute("CREATE TABLE IF NOT EXISTS probe_guard(id int)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS probe_counter(id int PRIMARY KEY, n int NOT NULL)");
      statement.execute("INSERT INTO probe_counter VALUES (1, 0) ON CONFLICT DO NOTHING");
      statement.execute(
          "CREATE OR REPLACE FUNCTION probe_query() RETURNS text LANGUAGE sql AS 'SELECT current_query()'");
      statement.execute(
          "CREATE OR REPLACE FUNCTION probe_echo(x int) RETURNS text LANGUAGE sql AS 'SELECT x || current_query()'");
    }
  }

  private static HikariDataSource hikari(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(Integer.getInteger("probe.pool.size", 4));
    config.setMinimumIdle(
        Integer.getInteger("probe.pool.min-idle", Integer.getInteger("probe.pool.size", 4)));
    if (Boolean.getBoolean("probe.pool.record-init")) {
      // Each new connection keeps the text of its set-up statement, as the server received it.
      config.setConnectionInitSql("SELECT set_config('probe.init', current_query(), false)");
    }
    config.setPoolName("probe");
    return new HikariDataSource(config);
  }

  /**
   * Runs the statements of {@code kind} and returns the texts PostgreSQL received, one per
   * statement.
   */
  public List<String> run(String kind, boolean raw) throws SQLException {
    if (kind.equals("driver")) {
      // The driver this application loaded (a test may swap the jar): its own version string.
      try (Connection connection = pool.getConnection()) {
        return List.of(connection.getMetaData().getDriverVersion());
      }
    }
    try (Connection connection =
        raw ? DriverManager.getConnection(jdbcUrl) : pool.getConnection()) {
      switch (kind) {
        case "prepared":
          return List.of(preparedQuery(connection, "SELECT current_query()"));
        case "statement":
          try (Statement statement = connection.createStatement();
              ResultSet rs = statement.executeQuery("SELECT current_query()")) {
            return List.of(single(rs));
          }
        case "execute":
          try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT current_query()");
            try (ResultSet rs = statement.getResultSet()) {
              return List.of(single(rs));
            }
          }
        case "hinted":
          return List.of(
              preparedQuery(connection, "/*+ SeqScan(probe_seen) */ SELECT current_query()"));
        case "precommented":
          return List.of(preparedQuery(connection, "/* app */ SELECT current_query()"));
        case "call":
          try (CallableStatement call = connection.prepareCall("{? = call probe_query()}")) {
            call.registerOutParameter(1, Types.VARCHAR);
            call.execute();
            return List.of(call.getString(1));
          }
        case "call-args":
          try (CallableStatement call = connection.prepareCall("{ ? = call probe_echo(?) }")) {
            call.registerOutParameter(1, Types.VARCHAR);
            call.setInt(2, 7);
            call.execute();
            return List.of(call.getString(1).substring(1));
          }
        case "application-name":
          return List.of(preparedQuery(connection, "SELECT current_setting('application_name')"));
        case "serializable":
          return List.of(serializable(connection));
        case "aborted":
          return List.of(aborted(connection));
        case "batch":
          return batch(connection, false);
        case "prepared-batch":
          return batch(connection, true);
        default:
          throw new IllegalArgumentException("unknown kind " + kind);
      }
    }
  }

  /**
   * {@code SET TRANSACTION} must come before any query of its transaction: whatever sqlorigin sends
   * first must not count as one.
   */
  private static String serializable(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
      String seen =
          preparedQuery(
              connection,
              "SELECT current_setting('transaction_isolation') || ' ' || current_setting('application_name')");
      connection.commit();
      return seen;
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
  }

  /** In a transaction that failed, the application must get PostgreSQL's own answer, not ours. */
  private static String aborted(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    StringBuilder states = new StringBuilder();
    try (Statement statement = connection.createStatement()) {
      for (String sql : new String[] {"SELECT 1/0", "SELECT 1"}) {
        try {
          statement.executeQuery(sql).close();
          states.append("ok ");
        } catch (SQLException e) {
          states.append(e.getSQLState()).append(' ');
        }
      }
    } finally {
      connection.rollback();
      connection.setAutoCommit(true);
    }
    return states.toString().trim();
  }

  private List<String> batch(Connection connection, boolean prepared) throws SQLException {
    String token = UUID.randomUUID().toString();
    if (prepared) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO probe_seen(token, q) VALUES (?, current_query())")) {
        for (int i = 0; i < 2; i++) {
          insert.setString(1, token);
          insert.addBatch();
        }
        insert.executeBatch();
      }
    } else {
      try (Statement statement = connection.createStatement()) {
        for (int i = 0; i < 2; i++) {
          statement.addBatch(
              "INSERT INTO probe_seen(token, q) VALUES ('" + token + "', current_query())");
        }
        statement.executeBatch();
      }
    }
    List<String> seen = new ArrayList<>();
    try (PreparedStatement select =
        connection.prepareStatement("SELECT q FROM probe_seen WHERE token = ?")) {
      select.setString(1, token);
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          seen.add(rs.getString(1));
        }
      }
    }
    return seen;
  }

  /** Runs a statement on each of {@code count} tasks of {@code executor}, outside any request. */
  public List<String> background(Executor executor, int count) throws Exception {
    List<FutureTask<String>> tasks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Callable<String> work =
          () -> {
            try (Connection connection = pool.getConnection()) {
              return Thread.currentThread().getName()
                  + " "
                  + preparedQuery(
                      connection,
                      "SELECT current_query() || ' application_name=' || current_setting('application_name')");
            }
          };
      FutureTask<String> task = new FutureTask<>(work);
      tasks.add(task);
      executor.execute(task);
    }
    List<String> sent = new ArrayList<>();
    for (FutureTask<String> task : tasks) {
      sent.add(task.get());
    }
    return sent;
  }

  /**
   * Statements that outlive a deadline or a client, each in its own try so that the answer shows
   * what every JDBC call did after the request was abandoned: {@code error=SQLSTATE|message|cause}.
   */
  public String cancellable(String kind, String token, double seconds) throws SQLException {
    StringBuilder out = new StringBuilder();
    switch (kind) {
      case "sleep":
        attempt(
            out,
            () -> {
              try (Connection connection = pool.getConnection();
                  PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
                sleep.setDouble(1, seconds);
                sleep.executeQuery().close();
              }
            });
        break;
      case "update":
        attempt(
            out,
            () -> {
              try (Connection connection = pool.getConnection();
                  Statement update = connection.createStatement()) {
                update.executeUpdate("UPDATE probe_counter SET n = n + 1 WHERE id = 1");
              }
            });
        break;
      case "sequence":
        // The first statement outlives the deadline; each later call must fail without running.
        try (Connection connection = pool.getConnection()) {
          attempt(
              out,
              () -> {
                try (PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
                  sleep.setDouble(1, seconds);
                  sleep.executeQuery().close();
                }
              });
          attempt(
              out,
              () -> {
                try (Statement insert = connection.createStatement()) {
                  insert.executeUpdate(
                      "INSERT INTO probe_seen(token, q) VALUES ('" + token + "', 'after')");
                }
              });
          attempt(out, () -> connection.prepareStatement("SELECT 1").close());
        }
        attempt(out, () -> pool.getConnection().close());
        break;
      case "tx":
        try (Connection connection = pool.getConnection()) {
          connection.setAutoCommit(false);
          attempt(
              out,
              () -> {
                try (PreparedStatement insert =
                    connection.prepareStatement(
                        "INSERT INTO probe_seen(token, q) VALUES (?, 'in tx')")) {
                  insert.setString(1, token);
                  insert.executeUpdate();
                }
                try (PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
                  sleep.setDouble(1, seconds);
                  sleep.executeQuery().close();
                }
                connection.commit();
              });
          attempt(out, connection::commit);
          connection.rollback();
          connection.setAutoCommit(true);
        }
        break;
      case "loop":
        // Statements of `seconds` each, on a freshly borrowed connection each, until the request
        // is abandoned.
        for (int i = 0; i < 200 && out.length() == 0; i++) {
          attempt(
              out,
              () -> {
                try (Connection connection = pool.getConnection();
                    PreparedStatement sleep = connection.prepareStatement("SELECT pg_sleep(?)")) {
                  sleep.setDouble(1, seconds);
                  sleep.executeQuery().close();
                }
              });
        }
        break;
      case "short":
        // A statement of a few milliseconds, so that a cancel acting late has something to hit;
        // reports when it ran (epoch microseconds, the clock of the driver's log records) and on
        // which server process.
        attempt(
            out,
            () -> {
              try (Connection connection = pool.getConnection();
                  PreparedStatement sleep =
                      connection.prepareStatement("SELECT pg_backend_pid() FROM pg_sleep(0.003)")) {
                Instant start = Instant.now();
                String backend;
                try (ResultSet rs = sleep.executeQuery()) {
                  backend = single(rs);
                }
                out.append("ran=")
                    .append(micros(start))
                    .append(',')
                    .append(micros(Instant.now()))
                    .append('\n')
                    .append("backend=")
                    .append(backend)
                    .append('\n');
              }
            });
        break;
      case "one":
        attempt(
            out,
            () -> {
              try (Connection connection = pool.getConnection();
                  PreparedStatement one = connection.prepareStatement("SELECT 1")) {
                one.executeQuery().close();
              }
            });
        break;
      default:
        throw new IllegalArgumentException("unknown kind " + kind);
    }
    return out.append("pool=").append(totalConnections.getAsInt()).append('\n').toString();
  }

  static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }

  private interface Work {
    void run() throws SQLException;
  }

  private static void attempt(StringBuilder out, Work work) {
    try {
      work.run();
    } catch (SQLException e) {
      out.append("error=")
          .append(e.getSQLState())
          .append('|')
          .append(e.getMessage().replace('\n', ' '))
          .append("|cause=")
          .append(e.getCause() == null ? "none" : e.getCause().getClass().getSimpleName())
          .append('\n');
    }
  }

  /**
   * Holds every connection of the pool at once (so the pool grows from within this request's {@code
   * getConnection}) and returns the set-up statement each connection was opened with.
   */
  public List<String> poolInitStatements() throws SQLException {
    List<Connection> held = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    try {
      for (int i = 0; i < maximumPoolSize; i++) {
        Connection connection = pool.getConnection();
        held.add(connection);
        texts.add(preparedQuery(connection, "SELECT current_setting('probe.init', true)"));
      }
      return texts;
    } finally {
      for (Connection connection : held) {
        connection.close();
      }
    }
  }

  /** How many rows the guard table has: hostile input must never change it. */
  public int guardRows() throws SQLException {
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT count(*) FROM probe_guard")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String preparedQuery(Connection connection, String sql) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      return single(rs);
    }
  }

  private static String single(ResultSet rs) throws SQLException {
    rs.next();
    return rs.getString(1);
  }
}
