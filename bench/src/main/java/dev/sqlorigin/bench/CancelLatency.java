package dev.sqlorigin.bench;

import dev.sqlorigin.config.Config;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * How long an abandoned request's statement keeps running: from the client closing its socket, and
 * from the deadline, to the backend being idle in {@code pg_stat_activity}; and the watchdog
 * thread's CPU time, idle and with statements in flight. See docs/benchmarks.md.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.CancelLatency [trials]}
 */
public final class CancelLatency {

  private static final long POLL_MILLIS = 2;
  // Each request's statement is found in pg_stat_activity by the ID in its comment.
  private static final String REQUEST_ID_IN_COMMENT =
      "-D" + Config.COMMENT_FIELDS + "=route,request_id";

  private CancelLatency() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Path agent = Paths.get("agent/target/sqlorigin-agent.jar").toAbsolutePath();
    Path appJar = Paths.get("sample-app/target/sample-app.jar").toAbsolutePath();
    try (LoadHarness.Database database = LoadHarness.Database.open(null)) {
      String url = database.appUrl();
      List<Double> disconnect = new ArrayList<>();
      List<Double> deadline = new ArrayList<>();
      try (AppUnderTest app =
          AppUnderTest.start(
              List.of(),
              java,
              List.of("-javaagent:" + agent, REQUEST_ID_IN_COMMENT),
              appJar,
              url)) {
        double idleCpu = watchdogCpuMillis(app, 10_000);
        for (int i = 0; i < trials; i++) {
          String id = "disconnect-" + i;
          Socket client = send(app.port(), id);
          try {
            awaitRunning(url, id, 1);
            // As a router would: give up after a second, when the statement is well under way.
            Thread.sleep(1000);
          } finally {
            client.close();
          }
          long closed = System.nanoTime();
          awaitRunning(url, id, 0);
          disconnect.add((System.nanoTime() - closed) / 1e6);
        }
        double busyCpu = busyWatchdogCpuMillis(app, url, 10_000);
        System.out.printf(
            Locale.ROOT,
            "watchdog CPU: %.1f ms over 10 s idle; %.1f ms over 10 s with 8 statements in flight%n",
            idleCpu,
            busyCpu);
      }
      try (AppUnderTest app =
          AppUnderTest.start(
              List.of(),
              java,
              List.of(
                  "-javaagent:" + agent,
                  REQUEST_ID_IN_COMMENT,
                  "-D" + Config.REQUEST_TIMEOUT + "=1s"),
              appJar,
              url)) {
        for (int i = 0; i < trials; i++) {
          String id = "deadline-" + i;
          long sent = System.nanoTime();
          Socket client = send(app.port(), id);
          try {
            awaitRunning(url, id, 1);
            awaitRunning(url, id, 0);
          } finally {
            client.close();
          }
          deadline.add((System.nanoTime() - sent) / 1e6 - 1000);
        }
      }
      System.out.println("| from | to backend idle, p50 | p90 | p99 | max | trials |");
      System.out.println("|---|---|---|---|---|---|");
      row("client closed its socket (statement 1 s old)", disconnect);
      row("deadline (1 s after the client sent the request)", deadline);
    }
  }

  private static void row(String what, List<Double> millis) {
    Collections.sort(millis);
    System.out.printf(
        Locale.ROOT,
        "| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %d |%n",
        what,
        percentile(millis, 50),
        percentile(millis, 90),
        percentile(millis, 99),
        millis.get(millis.size() - 1),
        millis.size());
  }

  private static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** A slow import whose response nobody will read. */
  private static Socket send(int port, String requestId) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /api/imports?seconds=30 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                + "X-Request-Id: "
                + requestId
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static void awaitRunning(String url, String requestId, int count) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE state = 'active' AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%request_id='" + requestId + "'%");
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == count) {
            return;
          }
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
    throw new IllegalStateException(requestId + " never reached " + count + " running statements");
  }

  /** CPU time of the watchdog thread over {@code millis}, nothing else happening. */
  private static double watchdogCpuMillis(AppUnderTest app, long millis) throws Exception {
    long before = watchdogTicks(app.pid());
    Thread.sleep(millis);
    return (watchdogTicks(app.pid()) - before) * 10.0; // USER_HZ is 100 on Linux
  }

  /** The same while eight imports keep statements in flight, so the watchdog polls throughout. */
  private static double busyWatchdogCpuMillis(AppUnderTest app, String url, long millis)
      throws Exception {
    List<Socket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        clients.add(send(app.port(), "busy-" + i));
      }
      for (int i = 0; i < 8; i++) {
        awaitRunning(url, "busy-" + i, 1);
      }
      return watchdogCpuMillis(app, millis);
    } finally {
      for (Socket client : clients) {
        client.close();
      }
    }
  }

  private static long watchdogTicks(long pid) throws IOException {
    try (Stream<Path> tasks = Files.list(Paths.get("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(task.resolve("comm")).trim().startsWith("sqlorigin-watch")) {
          String stat = Files.readString(task.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
        }
      }
    }
    throw new IllegalStateException("no sqlorigin-watchdog thread in process " + pid);
  }
}
