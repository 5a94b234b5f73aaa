package dev.sqlorigin.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent adds to a gRPC unary call: the gRPC test application (test-apps/grpc: grpc-java's
 * Netty server, HikariCP, one prepared statement per call by default) run without the agent and
 * with it, in an order shuffled per round, each run a fresh JVM loaded by closed-loop callers on
 * one channel. Per run: calls per second, the median and 99th-percentile latency the callers saw,
 * and the application's CPU time per call. Prints a Markdown table and the medians of the per-round
 * ratios and differences.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.GrpcHarness [--rounds=5]
 *     [--duration=10s] [--warmup=5s] [--callers=8] [--target=/prepared] [--agent-jar=PATH]
 *     [--java=PATH] [--jvm-opts='-Xmx512m'] [--database-url=URL] [--seed=N]
 * </pre>
 */
public final class GrpcHarness {

  private static final String MAIN = "dev.sqlorigin.apps.grpc.GrpcApp";
  private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
  private static final MethodDescriptor<String, String> RUN =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("shop.Probe/Run")
          .setRequestMarshaller(Text.INSTANCE)
          .setResponseMarshaller(Text.INSTANCE)
          .build();

  private GrpcHarness() {}

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    Duration duration = Duration.ofSeconds(10);
    Duration warmup = Duration.ofSeconds(5);
    int callers = 8;
    String target = "/prepared";
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    String agentJar = null;
    String databaseUrl = null;
    List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
    long seed = System.nanoTime();
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(value);
      } else if (arg.startsWith("--duration=")) {
        duration =
            LoadHarness.Options.duration(value, duration, Duration.ofMillis(100), "duration");
      } else if (arg.startsWith("--warmup=")) {
        warmup = LoadHarness.Options.duration(value, warmup, Duration.ZERO, "warmup");
      } else if (arg.startsWith("--callers=")) {
        callers = Integer.parseInt(value);
      } else if (arg.startsWith("--target=")) {
        target = value;
      } else if (arg.startsWith("--java=")) {
        java = Paths.get(value);
      } else if (arg.startsWith("--agent-jar=")) {
        agentJar = value;
      } else if (arg.startsWith("--database-url=")) {
        databaseUrl = value;
      } else if (arg.startsWith("--jvm-opts=")) {
        jvmOptions = new ArrayList<>(List.of(value.trim().split("\\s+")));
      } else if (arg.startsWith("--seed=")) {
        seed = Long.parseLong(value);
      } else {
        System.err.println("unknown option " + arg);
        System.exit(2);
      }
    }
    Path agent = LoadHarness.Options.file(agentJar, "agent/target/sqlorigin-agent.jar");
    Path app = LoadHarness.Options.file(null, "test-apps/grpc/target");
    Path listing = app.resolve("classpath.txt");
    if (!Files.isRegularFile(agent) || !Files.isRegularFile(listing)) {
      System.err.println(
          "build first: ./mvnw -q install -DskipTests (missing " + agent + " or " + listing + ")");
      System.exit(2);
    }
    String classPath =
        app.resolve("classes")
            + File.pathSeparator
            + Files.readString(listing, StandardCharsets.UTF_8).trim();
    Random random = new Random(seed);
    List<Double> throughputRatios = new ArrayList<>();
    List<Double> cpuDifferences = new ArrayList<>();
    List<Double> medianDifferences = new ArrayList<>();
    List<Double> p99Differences = new ArrayList<>();
    System.out.printf(
        "%d rounds of %s after %s of warm-up, %d callers, target %s, seed %d%n%n",
        rounds, duration, warmup, callers, target, seed);
    System.out.println(
        "| round | run | calls/s | median µs | p99 µs | app CPU µs/call |\n|---:|---|---:|---:|---:|---:|");
    try (LoadHarness.Database database = LoadHarness.Database.open(databaseUrl)) {
      for (int round = 1; round <= rounds; round++) {
        boolean agentFirst = random.nextBoolean();
        Run[] runs = new Run[2];
        for (int i = 0; i < 2; i++) {
          boolean withAgent = agentFirst == (i == 0);
          List<String> command = new ArrayList<>();
          command.add(java.toString());
          command.addAll(jvmOptions);
          if (withAgent) {
            command.add("-javaagent:" + agent);
          }
          command.addAll(List.of("-cp", classPath, MAIN, database.appUrl()));
          Run run = run(command, warmup, duration, callers, target);
          runs[withAgent ? 1 : 0] = run;
          System.out.printf(
              "| %d | %s | %.0f | %.0f | %.0f | %.0f |%n",
              round,
              withAgent ? "sqlorigin" : "no agent",
              run.callsPerSecond(),
              run.medianMicros,
              run.p99Micros,
              run.cpuMicrosPerCall());
        }
        throughputRatios.add(runs[1].callsPerSecond() / runs[0].callsPerSecond());
        cpuDifferences.add(runs[1].cpuMicrosPerCall() - runs[0].cpuMicrosPerCall());
        medianDifferences.add(runs[1].medianMicros - runs[0].medianMicros);
        p99Differences.add(runs[1].p99Micros - runs[0].p99Micros);
      }
    }
    System.out.printf(
        "%nsqlorigin against no agent, median of the per-round figures (range):%n"
            + "- throughput ratio %s%n- app CPU per call %s µs%n- median latency %s µs%n"
            + "- p99 latency %s µs%n",
        summary(throughputRatios, "%.2f"),
        summary(cpuDifferences, "%+.0f"),
        summary(medianDifferences, "%+.0f"),
        summary(p99Differences, "%+.0f"));
  }

  /** One run: start the application, load it, stop it. */
  private static Run run(
      List<String> command, Duration warmup, Duration duration, int callers, String target)
      throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      int port = awaitPort(process);
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        load(channel, callers, target, warmup, null);
        long cpuBefore = cpuNanos(process);
        List<long[]> latencies = new ArrayList<>();
        long elapsed = load(channel, callers, target, duration, latencies);
        long cpu = cpuNanos(process) - cpuBefore;
        return new Run(latencies, elapsed, cpu);
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /**
   * {@code callers} threads call in a closed loop for {@code time}; each call's latency (ns) goes
   * to {@code latencies} (one array per caller) unless it is null. Returns the nanoseconds it ran.
   */
  private static long load(
      ManagedChannel channel, int callers, String target, Duration time, List<long[]> latencies)
      throws Exception {
    long start = System.nanoTime();
    long end = start + time.toNanos();
    List<CompletableFuture<long[]>> running = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      running.add(
          CompletableFuture.supplyAsync(
              () -> {
                long[] taken = new long[1 << 16];
                int count = 0;
                for (long now = System.nanoTime(); now - end < 0; now = System.nanoTime()) {
                  String answer =
                      ClientCalls.blockingUnaryCall(channel, RUN, CallOptions.DEFAULT, target);
                  if (!answer.contains("sent=")) {
                    throw new IllegalStateException("unexpected answer: " + answer);
                  }
                  if (count == taken.length) {
                    taken = Arrays.copyOf(taken, count * 2);
                  }
                  taken[count++] = System.nanoTime() - now;
                }
                return Arrays.copyOf(taken, count);
              },
              runnable -> new Thread(runnable, "caller").start()));
    }
    for (CompletableFuture<long[]> caller : running) {
      long[] taken = caller.get(time.toSeconds() + 60, TimeUnit.SECONDS);
      if (latencies != null) {
        latencies.add(taken);
      }
    }
    return System.nanoTime() - start;
  }

  private static int awaitPort(Process process) throws Exception {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuilder said = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  Matcher matcher = LISTENING.matcher(line);
                  if (matcher.find()) {
                    port.complete(Integer.parseInt(matcher.group(1)));
                  } else if (!port.isDone()) {
                    said.append(line).append('\n');
                  }
                }
              } catch (IOException e) {
                // the process went: the port is reported missing below
              }
              port.complete(-1);
            },
            "app-output");
    reader.setDaemon(true);
    reader.start();
    int found = port.get(120, TimeUnit.SECONDS);
    if (found < 0) {
      throw new IOException("the application exited before listening:\n" + said);
    }
    return found;
  }

  private static long cpuNanos(Process process) {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
  }

  private static String summary(List<Double> values, String format) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return String.format(format, sorted.get(sorted.size() / 2))
        + " ("
        + String.format(format, sorted.get(0))
        + " to "
        + String.format(format, sorted.get(sorted.size() - 1))
        + ")";
  }

  /** What one run measured. */
  private static final class Run {
    final long calls;
    final long elapsedNanos;
    final long cpuNanos;
    final double medianMicros;
    final double p99Micros;

    Run(List<long[]> latencies, long elapsedNanos, long cpuNanos) {
      long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      this.calls = all.length;
      this.elapsedNanos = elapsedNanos;
      this.cpuNanos = cpuNanos;
      this.medianMicros = all[all.length / 2] / 1e3;
      this.p99Micros = all[(int) (all.length * 0.99)] / 1e3;
    }

    double callsPerSecond() {
      return calls * 1e9 / elapsedNanos;
    }

    double cpuMicrosPerCall() {
      return cpuNanos / 1e3 / calls;
    }
  }

  /** The test application's messages: UTF-8 text. */
  private static final class Text implements MethodDescriptor.Marshaller<String> {
    static final Text INSTANCE = new Text();

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
