package dev.sqlorigin.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
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

  private static final Duration POLL = Duration.ofMillis(5);
  private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(120);
  private static final int IMPORT_SECONDS = 300;

  private DisconnectCheckCost() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int sockets = intOption(args, "--sockets", 10_000);
    int suspects = intOption(args, "--suspects", 100);
    int seconds = intOption(args, "--seconds", 30);
    // Only clients that were sent can close.
    int disconnects = Math.min(intOption(args, "--disconnects", 10), suspects);
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
          clients.add(SlowImports.send(app.port(), "suspect-" + i, IMPORT_SECONDS));
        }
        SlowImports.awaitRunning(url, "suspect-%", suspects, POLL, RUNNING_TIMEOUT);
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
          SlowImports.awaitRunning(url, "suspect-" + i, 0, POLL, RUNNING_TIMEOUT);
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

  /** Waits until {@code count} backends run a statement whose request ID is like {@code id}. */

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
