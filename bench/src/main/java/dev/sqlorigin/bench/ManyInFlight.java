package dev.sqlorigin.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thousands of requests in flight at once: the sample app on virtual threads (JDK 21+) with a pool
 * of 50 connections, {@code --requests} slow imports sent together (50 run their statement, the
 * others wait for a connection), then a third of them abandoned by their clients at random moments.
 * Measures how long each abandonment took to be acted on (client gone to the agent's line: the
 * statement cancelled or the wait for a connection stopped), the watchdog's CPU meanwhile, the heap
 * of the agent's registry at the peak, and whether anything is left registered once every client
 * has gone. See docs/benchmarks.md.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.ManyInFlight [--requests=2000]
 * [--pool-size=50] [--abandon-over=15] [--seed=1] [--java=/usr/lib/jvm/temurin-25-jdk-amd64]
 * [--agent=agent/target/sqlorigin-agent.jar]}
 */
public final class ManyInFlight {

  private static final Pattern ABANDONED =
      Pattern.compile("^(\\S+) INFO sqlorigin - request (many-\\d+) .* abandoned: (.*)$");
  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private ManyInFlight() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int requests = DisconnectCheckCost.intOption(args, "--requests", 2_000);
    int poolSize = DisconnectCheckCost.intOption(args, "--pool-size", 50);
    int abandonOverSeconds = DisconnectCheckCost.intOption(args, "--abandon-over", 15);
    Random random = new Random(DisconnectCheckCost.intOption(args, "--seed", 1));
    Path javaHome =
        Paths.get(DisconnectCheckCost.option(args, "--java", "/usr/lib/jvm/temurin-25-jdk-amd64"));
    Path agent =
        Paths.get(DisconnectCheckCost.option(args, "--agent", "agent/target/sqlorigin-agent.jar"));
    Path appJar = Paths.get("sample-app/target/sample-app.jar").toAbsolutePath();
    Map<String, String> abandonedLines = new ConcurrentHashMap<>();
    List<Client> clients = new ArrayList<>();
    // HikariCP's own wait for a connection (30 s by default) must outlast the run: the abandoned
    // requests are to be stopped by the agent, not by the pool giving up.
    Path hikari = Files.createTempFile("hikari", ".properties");
    Files.writeString(hikari, "connectionTimeout=300000\n");
    try (LoadHarness.Database database = LoadHarness.Database.open(null);
        AppUnderTest app =
            AppUnderTest.start(
                javaHome.resolve("bin/java"),
                List.of(
                    "-javaagent:" + agent.toAbsolutePath(),
                    "-Xmx1g",
                    "-Dhikaricp.configurationFile=" + hikari),
                List.of(
                    "-jar",
                    appJar.toString(),
                    "--host=127.0.0.1",
                    "--port=0",
                    "--pool-size=" + poolSize,
                    "--virtual-threads=true"),
                "/health",
                database.appUrl())) {
      app.onLine(
          line -> {
            Matcher matcher = ABANDONED.matcher(line);
            if (matcher.matches()) {
              abandonedLines.put(matcher.group(2), line);
            }
          });
      try (AgentJmx jmx = AgentJmx.attach(app.pid())) {
        long idleHeap = jmx.heapAfterFullGc();
        long[] idleAgent = Histogram.agentObjects(javaHome, app.pid());
        for (int i = 0; i < requests; i++) {
          clients.add(new Client(app.port(), "many-" + i, 100_000 + i));
        }
        long sent = System.nanoTime();
        while (jmx.requests() < requests) {
          if (System.nanoTime() - sent > 60_000_000_000L) {
            throw new IllegalStateException(
                "only " + jmx.requests() + " of " + requests + " requests ever in flight");
          }
          Thread.sleep(100);
        }
        double allInFlightAfter = (System.nanoTime() - sent) / 1e9;
        int statements = jmx.statementsInFlight();
        int waits = jmx.connectionWaits();
        long peakHeap = jmx.heapAfterFullGc();
        long[] peakAgent = Histogram.agentObjects(javaHome, app.pid());

        // A third of the clients give up, at random moments of the window.
        List<Client> abandoned = new ArrayList<>(clients);
        Collections.shuffle(abandoned, random);
        abandoned = abandoned.subList(0, requests / 3);
        List<long[]> schedule = new ArrayList<>();
        for (int i = 0; i < abandoned.size(); i++) {
          schedule.add(new long[] {random.nextInt(abandonOverSeconds * 1000), i});
        }
        schedule.sort((a, b) -> Long.compare(a[0], b[0]));
        long cpuBefore = DisconnectCheckCost.watchdogCpuNanos(app.pid());
        long windowStart = System.nanoTime();
        for (long[] at : schedule) {
          long wait = at[0] - (System.nanoTime() - windowStart) / 1_000_000;
          if (wait > 0) {
            Thread.sleep(wait);
          }
          abandoned.get((int) at[1]).giveUp();
        }
        long settle = System.nanoTime();
        int answeredFirst = 0;
        for (Client client : abandoned) {
          answeredFirst += client.answeredBeforeGivingUp() ? 1 : 0;
        }
        int expected = abandoned.size() - answeredFirst;
        while (countLines(abandonedLines, abandoned) < expected
            && System.nanoTime() - settle < 30_000_000_000L) {
          Thread.sleep(100);
        }
        double windowSeconds = (System.nanoTime() - windowStart) / 1e9;
        double cpu =
            (DisconnectCheckCost.watchdogCpuNanos(app.pid()) - cpuBefore) / 1e7 / windowSeconds;
        List<Double> cancelled = new ArrayList<>();
        List<Double> stopped = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        for (Client client : abandoned) {
          String line = abandonedLines.get(client.id);
          if (client.answeredBeforeGivingUp()) {
            continue;
          }
          if (line == null) {
            unexplained.add(client.id + ": no line");
            continue;
          }
          Matcher matcher = ABANDONED.matcher(line);
          matcher.matches();
          double millis =
              OffsetDateTime.parse(matcher.group(1), LOG_TIME).toInstant().toEpochMilli()
                  - client.gaveUpAtMillis;
          String what = matcher.group(3);
          if (what.contains("stopped its wait")) {
            stopped.add(millis);
          } else if (what.contains("cancelled 1 statement")) {
            cancelled.add(millis);
          } else {
            other.add(millis);
            unexplained.add(line);
          }
        }

        // Every other client goes too; then nothing may be left.
        for (Client client : clients) {
          client.giveUp();
        }
        long end = System.nanoTime();
        while ((jmx.requests() > 0 || jmx.statementsInFlight() > 0 || jmx.connectionWaits() > 0)
            && System.nanoTime() - end < 60_000_000_000L) {
          Thread.sleep(100);
        }
        String left =
            jmx.requests()
                + " requests, "
                + jmx.statementsInFlight()
                + " statements, "
                + jmx.connectionWaits()
                + " waits";
        long[] afterAgent = Histogram.agentObjects(javaHome, app.pid());

        System.out.printf(
            Locale.ROOT,
            "%d requests in flight %.1f s after sending (%d statements running, %d waiting for"
                + " one of %d connections)%n",
            requests,
            allInFlightAfter,
            statements,
            waits,
            poolSize);
        System.out.printf(
            Locale.ROOT,
            "heap after a full GC: %.1f MiB idle, %.1f MiB at the peak; agent objects: %d (%.1f"
                + " KiB) idle, %d (%.1f KiB) at the peak, %.0f bytes per request in flight; %d"
                + " after%n",
            idleHeap / 1048576.0,
            peakHeap / 1048576.0,
            idleAgent[0],
            idleAgent[1] / 1024.0,
            peakAgent[0],
            peakAgent[1] / 1024.0,
            (peakAgent[1] - idleAgent[1]) / (double) requests,
            afterAgent[0]);
        System.out.printf(
            Locale.ROOT,
            "%d abandoned over %d s (%d had their answer first); watchdog CPU %.2f %% of a core"
                + " over %.1f s%n",
            abandoned.size(),
            abandonOverSeconds,
            answeredFirst,
            cpu,
            windowSeconds);
        System.out.println("| client gone to | n | p50 | p90 | p99 | max |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        row("statement cancelled", cancelled);
        row("wait for a connection stopped", stopped);
        row("other", other);
        System.out.println(
            "not acted on: " + (expected - cancelled.size() - stopped.size() - other.size()));
        for (String line : unexplained.subList(0, Math.min(10, unexplained.size()))) {
          System.out.println("  " + line);
        }
        System.out.println("left registered once every client had gone: " + left);
      }
    } finally {
      for (Client client : clients) {
        client.giveUp();
      }
      Files.delete(hikari);
    }
  }

  private static int countLines(Map<String, String> lines, List<Client> clients) {
    int count = 0;
    for (Client client : clients) {
      count += lines.containsKey(client.id) ? 1 : 0;
    }
    return count;
  }

  private static void row(String what, List<Double> millis) {
    if (millis.isEmpty()) {
      System.out.printf(Locale.ROOT, "| %s | 0 | | | | |%n", what);
      return;
    }
    Collections.sort(millis);
    System.out.printf(
        Locale.ROOT,
        "| %s | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms |%n",
        what,
        millis.size(),
        percentile(millis, 50),
        percentile(millis, 90),
        percentile(millis, 99),
        millis.get(millis.size() - 1));
  }

  private static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** One slow import, whose client may give up on it. */
  private static final class Client {
    final String id;
    private final Socket socket;
    private volatile boolean answered;
    volatile long gaveUpAtMillis;
    private boolean answeredWhenGivingUp;

    Client(int port, String id, int campaignId) throws IOException {
      this.id = id;
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/imports?seconds=120&campaignId="
                  + campaignId
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nX-Request-Id: "
                  + id
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread reader = new Thread(null, this::awaitAnswer, "client-" + id, 64 * 1024);
      reader.setDaemon(true);
      reader.start();
    }

    private void awaitAnswer() {
      try (InputStream in = socket.getInputStream()) {
        if (in.read() >= 0) {
          answered = true;
        }
      } catch (IOException e) {
        // closed by giveUp()
      }
    }

    synchronized void giveUp() {
      if (gaveUpAtMillis == 0) {
        answeredWhenGivingUp = answered;
        gaveUpAtMillis = System.currentTimeMillis();
        try {
          socket.close();
        } catch (IOException e) {
          // gone already
        }
      }
    }

    synchronized boolean answeredBeforeGivingUp() {
      return answeredWhenGivingUp;
    }
  }
}
