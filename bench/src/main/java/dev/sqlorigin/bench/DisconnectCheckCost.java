package dev.sqlorigin.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * The client-disconnect check on a busy host: the watchdog thread's CPU while {@code --suspects}
 * requests have statements past the check threshold (so that every round wants the TCP tables) and
 * {@code --sockets} other TCP sockets are open in the network namespace (which every read of the
 * tables walks); then how long a client's disconnect takes to end its statement. See
 * docs/benchmarks.md.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.DisconnectCheckCost
 * [--sockets=10000] [--suspects=100] [--seconds=30] [--disconnects=10] [--agent=<jar>]
 * [--java=<java home>]}
 */
public final class DisconnectCheckCost {

  private static final long POLL_MILLIS = 5;

  private DisconnectCheckCost() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int sockets = intOption(args, "--sockets", 10_000);
    int suspects = intOption(args, "--suspects", 100);
    int seconds = intOption(args, "--seconds", 30);
    int disconnects = intOption(args, "--disconnects", 10);
    Path agent = Paths.get(option(args, "--agent", "agent/target/sqlorigin-agent.jar"));
    Path java = Paths.get(option(args, "--java", System.getProperty("java.home")), "bin", "java");
    Path appJar = Paths.get("sample-app/target/sample-app.jar").toAbsolutePath();
    List<Socket> idle = new ArrayList<>();
    List<Socket> clients = new ArrayList<>();
    try (LoadHarness.Database database = LoadHarness.Database.open(null);
        ServerSocket server = new ServerSocket(0, sockets, InetAddress.getLoopbackAddress())) {
      String url = database.appUrl();
      // Each loopback connection is two sockets of the namespace: one each side.
      for (int i = 0; i < sockets / 2; i++) {
        idle.add(new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        idle.add(server.accept());
      }
      double[] read = tableReadMillis();
      try (AppUnderTest app =
          AppUnderTest.start(
              java,
              List.of(
                  "-javaagent:" + agent.toAbsolutePath(),
                  "-Dsqlorigin.comment.fields=route,request_id"),
              List.of(
                  "-jar",
                  appJar.toString(),
                  "--host=127.0.0.1",
                  "--port=0",
                  "--pool-size=" + (suspects + 5),
                  "--threads=" + (suspects + 20)),
              "/health",
              url)) {
        for (int i = 0; i < suspects; i++) {
          clients.add(send(app.port(), "suspect-" + i));
        }
        awaitRunning(url, "suspect-%", suspects);
        // Every statement is past the check threshold (500 ms) from here on.
        Thread.sleep(1_000);
        long before = watchdogCpuNanos(app.pid());
        long began = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double cpu = (watchdogCpuNanos(app.pid()) - before) * 100.0 / (System.nanoTime() - began);
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < disconnects; i++) {
          long closed = System.nanoTime();
          clients.get(i).close();
          awaitRunning(url, "suspect-" + i, 0);
          latencies.add((System.nanoTime() - closed) / 1e6);
        }
        Collections.sort(latencies);
        System.out.printf(
            Locale.ROOT,
            "| sockets in the namespace | statements past the threshold | one read of tcp6 (CPU,"
                + " wall) | watchdog CPU | disconnect to backend idle, p50 | max |%n"
                + "|---:|---:|---|---:|---:|---:|%n"
                + "| %d | %d | %.1f ms, %.1f ms | %.2f %% of a core | %.0f ms | %.0f ms |%n",
            lines("/proc/net/tcp6") + lines("/proc/net/tcp"),
            suspects,
            read[0],
            read[1],
            cpu,
            latencies.get(latencies.size() / 2),
            latencies.get(latencies.size() - 1));
      }
    } finally {
      for (Socket socket : clients) {
        socket.close();
      }
      for (Socket socket : idle) {
        socket.close();
      }
    }
  }

  /** The median CPU and elapsed milliseconds of reading /proc/net/tcp6 whole, as the agent does. */
  private static double[] tableReadMillis() throws IOException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Double> cpu = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      long cpuBefore = threads.getCurrentThreadCpuTime();
      long wallBefore = System.nanoTime();
      Files.readAllBytes(Paths.get("/proc/net/tcp6"));
      wall.add((System.nanoTime() - wallBefore) / 1e6);
      cpu.add((threads.getCurrentThreadCpuTime() - cpuBefore) / 1e6);
    }
    Collections.sort(cpu);
    Collections.sort(wall);
    return new double[] {cpu.get(10), wall.get(10)};
  }

  private static int lines(String table) throws IOException {
    try (Stream<String> lines = Files.lines(Paths.get(table))) {
      return (int) lines.count() - 1;
    }
  }

  /** A slow import whose client stays connected until closed. */
  private static Socket send(int port, String requestId) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /api/imports?seconds=300 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                + "X-Request-Id: "
                + requestId
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** Waits until {@code count} backends run a statement whose request ID is like {@code id}. */
  private static void awaitRunning(String url, String id, int count) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE state = 'active' AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%request_id='" + id + "'%");
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
    throw new IllegalStateException(id + " never reached " + count + " running statements");
  }

  /** Nanoseconds the watchdog thread has run on a CPU ({@code schedstat}), user and system. */
  static long watchdogCpuNanos(long pid) throws IOException {
    try (Stream<Path> tasks = Files.list(Paths.get("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(task.resolve("comm")).trim().startsWith("sqlorigin-watch")) {
          return Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
        }
      }
    }
    throw new IllegalStateException("no sqlorigin-watchdog thread in process " + pid);
  }

  static String option(String[] args, String name, String fallback) {
    for (String arg : args) {
      if (arg.startsWith(name + "=")) {
        return arg.substring(name.length() + 1);
      }
    }
    return fallback;
  }

  static int intOption(String[] args, String name, int fallback) {
    return Integer.parseInt(option(args, name, Integer.toString(fallback)));
  }
}
