package dev.sqlorigin.bench;

import dev.sqlorigin.config.Config;
import java.io.IOException;
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
 * How long an abandoned request's statement keeps running: from the client closing its socket, and
 * from the deadline, to the backend being idle in {@code pg_stat_activity}; and the watchdog
 * thread's CPU time, idle and with statements in flight. See docs/benchmarks.md.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.CancelLatency [trials]}
 */
public final class CancelLatency {

  private static final Duration POLL = Duration.ofMillis(2);
  private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(60);
  private static final int IMPORT_SECONDS = 30;
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
          Socket client = SlowImports.send(app.port(), id, IMPORT_SECONDS);
          try {
            SlowImports.awaitRunning(url, id, 1, POLL, RUNNING_TIMEOUT);
            // As a router would: give up after a second, when the statement is well under way.
            Thread.sleep(1000);
          } finally {
            client.close();
          }
          long closed = System.nanoTime();
          SlowImports.awaitRunning(url, id, 0, POLL, RUNNING_TIMEOUT);
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
          Socket client = SlowImports.send(app.port(), id, IMPORT_SECONDS);
          try {
            SlowImports.awaitRunning(url, id, 1, POLL, RUNNING_TIMEOUT);
            SlowImports.awaitRunning(url, id, 0, POLL, RUNNING_TIMEOUT);
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
        clients.add(SlowImports.send(app.port(), "busy-" + i, IMPORT_SECONDS));
      }
      for (int i = 0; i < 8; i++) {
        SlowImports.awaitRunning(url, "busy-" + i, 1, POLL, RUNNING_TIMEOUT);
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
