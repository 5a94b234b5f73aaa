package dev.sqlorigin.bench;

import dev.sqlorigin.cli.connect.ConnectionTarget;
import dev.sqlorigin.cli.render.ActivityText;
import dev.sqlorigin.cli.render.Glyphs;
import dev.sqlorigin.cli.render.Json;
import dev.sqlorigin.cli.render.JsonViews;
import dev.sqlorigin.cli.render.LocksText;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.snapshot.Snapshots;
import dev.sqlorigin.cli.view.Filter;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * What one refresh of the console costs with 500 sessions and a 200-node lock tree: wall time in
 * the console (read and draw) and the work the server does for it (its backend's CPU time from
 * /proc, and pg_stat_statements' execution time of the console's queries).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.ConsoleHarness [--refreshes=200]
 * </pre>
 *
 * The database is an embedded PostgreSQL 17 on this machine: 200 idle pooled sessions of five
 * applications, 100 statements running under 25 routes, and four lock trees of 50 sessions (an idle
 * transaction holding a row lock, a migration waiting for the table, 48 readers queued behind it).
 */
public final class ConsoleHarness {

  private static final int IDLE = 200;
  private static final int RUNNING = 100;
  private static final int TREES = 4;
  private static final int READERS_PER_TREE = 48;

  private ConsoleHarness() {}

  public static void main(String[] args) throws Exception {
    int refreshes = 200;
    for (String arg : args) {
      if (arg.startsWith("--refreshes=")) {
        refreshes = Integer.parseInt(arg.substring("--refreshes=".length()));
      } else {
        System.err.println("usage: ConsoleHarness [--refreshes=N]");
        System.exit(2);
      }
    }
    try (EmbeddedPostgres server =
        EmbeddedPostgres.builder()
            .setServerConfig("max_connections", "600")
            .setServerConfig("shared_preload_libraries", "pg_stat_statements")
            .setServerConfig("pg_stat_statements.track", "all")
            .start()) {
      String url = server.getJdbcUrl("postgres", "postgres");
      ExecutorService background = Executors.newCachedThreadPool();
      List<Connection> sessions = new ArrayList<>();
      try {
        build(url, sessions, background);
        try (Snapshots snapshots =
                new Snapshots(ConnectionTarget.resolve(url, Map.of()), Duration.ofSeconds(5));
            Connection observer = connect(url, "harness")) {
          Snapshot sample = snapshots.take(true);
          System.out.printf(
              Locale.ROOT,
              "%d client sessions, %d waiting on a lock; verdict: %s%n%n",
              sample.clientSessions(),
              sample.sessions().stream().filter(s -> s.blockedBy().length > 0).count(),
              dev.sqlorigin.cli.view.LockTree.of(sample, Filter.NONE).verdict());
          int backend = consoleBackend(observer);
          System.out.println(
              "| view | refreshes | wall ms per refresh: median | p90 | max | console CPU ms per"
                  + " refresh | server CPU ms per refresh (backend, /proc) | server execution ms"
                  + " per refresh (pg_stat_statements) |");
          System.out.println("|---|---|---|---|---|---|---|---|");
          Glyphs glyphs = Glyphs.UNICODE;
          measure(
              "activity",
              refreshes,
              observer,
              backend,
              () -> ActivityText.lines(snapshots.take(false), Filter.NONE, glyphs).size());
          measure(
              "locks",
              refreshes,
              observer,
              backend,
              () -> LocksText.lines(snapshots.take(true), Filter.NONE, glyphs).size());
          measure(
              "serve (all four views, JSON)",
              refreshes,
              observer,
              backend,
              () -> {
                Snapshot snapshot = snapshots.take(true);
                JsonViews views = JsonViews.display();
                return Json.write(
                        List.of(
                            views.activity(snapshot, Filter.NONE),
                            views.locks(snapshot, Filter.NONE),
                            views.longStatements(snapshot, Duration.ofSeconds(5), Filter.NONE),
                            views.applications(snapshot, Filter.NONE)))
                    .length();
              });
        }
      } finally {
        background.shutdownNow();
        for (Connection session : sessions) {
          try {
            session.close();
          } catch (SQLException ignored) {
            // the server stops next
          }
        }
      }
    }
  }

  private static void build(String url, List<Connection> sessions, ExecutorService background)
      throws Exception {
    try (Connection setup = connect(url, "setup");
        Statement statement = setup.createStatement()) {
      statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      for (int t = 0; t < TREES; t++) {
        statement.execute("CREATE TABLE accounts_" + t + " (id int PRIMARY KEY, balance int)");
        statement.execute(
            "INSERT INTO accounts_" + t + " SELECT g, 0 FROM generate_series(1, 100) g");
      }
    }
    for (int i = 0; i < IDLE; i++) {
      Connection idle = connect(url, "app-" + (i % 5));
      sessions.add(idle);
      try (Statement statement = idle.createStatement()) {
        statement.execute(
            "/*sqlorigin route='GET /api/things/{id}'*/ SELECT balance FROM accounts_0 WHERE id = 1");
      }
    }
    for (int i = 0; i < RUNNING; i++) {
      Connection running = connect(url, "app-" + (i % 5) + " req=r" + i);
      sessions.add(running);
      start(
          background,
          running,
          "/*sqlorigin route='POST /api/route-" + (i % 25) + "'*/ SELECT pg_sleep(3600)");
    }
    int waiting = 0;
    for (int t = 0; t < TREES; t++) {
      Connection holder = connect(url, "orders-api");
      sessions.add(holder);
      holder.setAutoCommit(false);
      try (Statement statement = holder.createStatement()) {
        statement.execute(
            "/*sqlorigin route='POST /api/campaign-participations' request_id='h"
                + t
                + "'*/ UPDATE accounts_"
                + t
                + " SET balance = 1 WHERE id = 1");
      }
      Connection migration = connect(url, "flyway");
      sessions.add(migration);
      start(background, migration, "ALTER TABLE accounts_" + t + " ADD COLUMN note text");
      waiting++;
      awaitWaiting(url, waiting);
      for (int r = 0; r < READERS_PER_TREE; r++) {
        Connection reader = connect(url, "orders-api");
        sessions.add(reader);
        start(
            background,
            reader,
            "/*sqlorigin route='GET /api/accounts/{id}'*/ SELECT balance FROM accounts_"
                + t
                + " WHERE id = 2");
      }
      waiting += READERS_PER_TREE;
      awaitWaiting(url, waiting);
    }
  }

  private static void measure(
      String view, int refreshes, Connection observer, int backend, Supplier<Integer> refresh)
      throws Exception {
    for (int i = 0; i < Math.max(20, refreshes / 10); i++) {
      refresh.get(); // warm-up: JIT, pgjdbc's server-side prepared statements
    }
    try (Statement statement = observer.createStatement()) {
      statement.execute("SELECT pg_stat_statements_reset()");
    }
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long consoleCpuBefore = threads.getCurrentThreadCpuTime();
    long cpuBefore = cpuTicks(backend);
    double[] millis = new double[refreshes];
    for (int i = 0; i < refreshes; i++) {
      long start = System.nanoTime();
      refresh.get();
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    long cpuTicks = cpuTicks(backend) - cpuBefore;
    double consoleCpu = (threads.getCurrentThreadCpuTime() - consoleCpuBefore) / 1e6 / refreshes;
    double execution = 0;
    try (Statement statement = observer.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements"
                    + " WHERE query LIKE '%FROM pg_stat_activity a%'"
                    + " OR query LIKE '%FROM pg_locks l%'")) {
      rs.next();
      execution = rs.getDouble(1);
    }
    Arrays.sort(millis);
    // /proc counts in clock ticks of 10 ms (USER_HZ = 100 on Linux).
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f |%n",
        view,
        refreshes,
        millis[refreshes / 2],
        millis[(int) (refreshes * 0.9)],
        millis[refreshes - 1],
        consoleCpu,
        cpuTicks * 10.0 / refreshes,
        execution / refreshes);
  }

  private static int consoleBackend(Connection observer) throws SQLException {
    try (Statement statement = observer.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'sqlorigin console'")) {
      if (!rs.next()) {
        throw new IllegalStateException("the console's backend is not in pg_stat_activity");
      }
      return rs.getInt(1);
    }
  }

  private static long cpuTicks(int pid) throws Exception {
    Path stat = Paths.get("/proc", Integer.toString(pid), "stat");
    String line = Files.readString(stat);
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th.
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static void awaitWaiting(String url, int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    try (Connection watcher = connect(url, "harness-wait");
        Statement statement = watcher.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
          rs.next();
          if (rs.getInt(1) >= count) {
            return;
          }
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("fewer than " + count + " sessions waiting after 120 s");
  }

  private static void start(ExecutorService background, Connection connection, String sql) {
    background.submit(
        () -> {
          try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
          }
          return null;
        });
  }

  private static Connection connect(String url, String applicationName) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("ApplicationName", applicationName);
    return DriverManager.getConnection(url, properties);
  }
}
