package dev.sqlorigin.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A long run of the sample app under the agent with a share of abandoned requests: {@code
 * --connections} clients send owner lookups, and one request in ten is a slow import whose client
 * gives up after a random 0.2–1.5 s (the agent cancels its statement). Every minute: the heap after
 * a full collection, the agent's live objects, and the requests registered, as read from outside
 * (JMX, {@code jcmd}); they must stay flat once the run has warmed up. See docs/benchmarks.md.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.Soak [--minutes=20]
 * [--connections=8] [--abandon-percent=10] [--java=<java home>] [--agent=<jar>]}
 */
public final class Soak {

  private Soak() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int minutes = DisconnectCheckCost.intOption(args, "--minutes", 20);
    int connections = DisconnectCheckCost.intOption(args, "--connections", 8);
    int abandonPercent = DisconnectCheckCost.intOption(args, "--abandon-percent", 10);
    Path javaHome =
        Paths.get(DisconnectCheckCost.option(args, "--java", System.getProperty("java.home")));
    Path agent =
        Paths.get(DisconnectCheckCost.option(args, "--agent", "agent/target/sqlorigin-agent.jar"));
    Path appJar = Paths.get("sample-app/target/sample-app.jar").toAbsolutePath();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong served = new AtomicLong();
    AtomicLong abandoned = new AtomicLong();
    List<Thread> clients = new ArrayList<>();
    try (LoadHarness.Database database = LoadHarness.Database.open(null);
        AppUnderTest app =
            AppUnderTest.start(
                List.of(),
                javaHome.resolve("bin/java"),
                List.of("-javaagent:" + agent.toAbsolutePath(), "-Xmx512m"),
                appJar,
                database.appUrl());
        AgentJmx jmx = AgentJmx.attach(app.pid())) {
      for (int i = 0; i < connections; i++) {
        Thread client =
            new Thread(
                () -> load(app.port(), abandonPercent, running, served, abandoned), "client-" + i);
        client.setDaemon(true);
        client.start();
        clients.add(client);
      }
      System.out.println(
          "| minute | heap after full GC (MiB) | agent objects | agent objects (KiB) | requests"
              + " registered | requests served | requests abandoned |");
      System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
      long start = System.nanoTime();
      List<double[]> samples = new ArrayList<>();
      for (int minute = 1; minute <= minutes; minute++) {
        long due = start + minute * 60_000_000_000L;
        Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
        long heap = jmx.heapAfterFullGc();
        long[] objects = Histogram.agentObjects(javaHome, app.pid());
        int registered = jmx.requests();
        samples.add(new double[] {minute, heap / 1048576.0, objects[0]});
        System.out.printf(
            Locale.ROOT,
            "| %d | %.1f | %d | %.1f | %d | %d | %d |%n",
            minute,
            heap / 1048576.0,
            objects[0],
            objects[1] / 1024.0,
            registered,
            served.get(),
            abandoned.get());
      }
      running.set(false);
      for (Thread client : clients) {
        client.join(10_000);
      }
      System.out.println(trend(samples, 5));
    }
  }

  /** Least-squares slope of the heap and the agent's objects from {@code fromMinute} on. */
  private static String trend(List<double[]> samples, int fromMinute) {
    double n = 0;
    double sx = 0;
    double sxx = 0;
    double[] sy = new double[2];
    double[] sxy = new double[2];
    double[] min = {Double.MAX_VALUE, Double.MAX_VALUE};
    double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE};
    for (double[] sample : samples) {
      if (sample[0] < fromMinute) {
        continue;
      }
      n++;
      sx += sample[0];
      sxx += sample[0] * sample[0];
      for (int k = 0; k < 2; k++) {
        sy[k] += sample[k + 1];
        sxy[k] += sample[0] * sample[k + 1];
        min[k] = Math.min(min[k], sample[k + 1]);
        max[k] = Math.max(max[k], sample[k + 1]);
      }
    }
    double[] slope = new double[2];
    for (int k = 0; k < 2; k++) {
      slope[k] = n < 2 ? 0 : (n * sxy[k] - sx * sy[k]) / (n * sxx - sx * sx);
    }
    return String.format(
        Locale.ROOT,
        "from minute %d: heap %.1f–%.1f MiB, slope %+.3f MiB/min; agent objects %.0f–%.0f, slope"
            + " %+.1f/min",
        fromMinute,
        min[0],
        max[0],
        slope[0],
        min[1],
        max[1],
        slope[1]);
  }

  private static void load(
      int port, int abandonPercent, AtomicBoolean running, AtomicLong served, AtomicLong gone) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    HttpConnection connection = null;
    while (running.get()) {
      try {
        if (random.nextInt(100) < abandonPercent) {
          // A slow import whose client gives up while its statement runs.
          try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(
                ("POST /api/imports?seconds=2&campaignId="
                        + (1_000_000 + random.nextInt(1_000_000))
                        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200 + random.nextInt(1_300));
          }
          gone.incrementAndGet();
        } else {
          if (connection == null || !connection.isOpen()) {
            connection = new HttpConnection(port, 10_000);
          }
          connection.send(HttpConnection.get("/api/owners/" + (1 + random.nextInt(50)), port));
          served.incrementAndGet();
        }
      } catch (IOException e) {
        if (connection != null) {
          connection.close();
        }
        connection = null;
      } catch (InterruptedException e) {
        return;
      }
    }
    if (connection != null) {
      connection.close();
    }
  }
}
