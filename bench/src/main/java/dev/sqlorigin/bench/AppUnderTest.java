package dev.sqlorigin.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An application (the sample app, a test app) in a JVM of its own, started for one run of one
 * configuration.
 */
final class AppUnderTest implements AutoCloseable {

  // The sample app and Spring ("listening on http://127.0.0.1:N"), Quarkus ("Listening on:
  // http://127.0.0.1:N"), the Micronaut test application ("listening on port N").
  private static final Pattern LISTENING =
      Pattern.compile("[Ll]istening on:? (?:port |http://127\\.0\\.0\\.1:)(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final int KEPT_LINES = 200;

  private final Process process;
  private final Deque<String> lastLines = new ArrayDeque<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final long launchedNanos;
  private long startupNanos;

  private AppUnderTest(List<String> command, String databaseUrl) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    // Each configuration must be exactly what its name says: the agent also reads SQLORIGIN_* and
    // OTEL_* variables, which a developer's shell may set.
    environment
        .keySet()
        .removeIf(name -> name.startsWith("SQLORIGIN_") || name.startsWith("OTEL_"));
    // By environment rather than flag: an external URL may carry a password, and flags show in ps.
    environment.put("DATABASE_URL", databaseUrl);
    launchedNanos = System.nanoTime();
    process = builder.start();
    Thread pump = new Thread(this::pump, "app-output-" + process.pid());
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts the sample app and returns once it answers {@code GET /health}; the time from launching
   * the process to that first answer is {@link #startupMillis()}.
   */
  static AppUnderTest start(
      List<String> prefix, Path java, List<String> jvmOptions, Path appJar, String databaseUrl)
      throws IOException, InterruptedException {
    // --host: the app's default too, but the harness must never listen wider
    return start(
        prefix,
        java,
        jvmOptions,
        List.of("-jar", appJar.toString(), "--host=127.0.0.1", "--port=0"),
        "/health",
        databaseUrl);
  }

  /** Where a Spring Boot test application ({@link #springBootTestApp}) answers once it serves. */
  static final String SPRING_BOOT_TEST_APP_HEALTH = "/petclinic/health/db";

  /**
   * The arguments that start the Spring Boot application of {@code test-apps/<module>}
   * (PetsApplication, context {@code /petclinic}, database from {@code DATABASE_URL}), given that
   * module's {@code target} folder: its classes and the class path its build wrote to {@code
   * classpath.txt}.
   */
  static List<String> springBootTestApp(Path moduleTarget) throws IOException {
    String classPath =
        moduleTarget.resolve("classes")
            + java.io.File.pathSeparator
            + Files.readString(moduleTarget.resolve("classpath.txt"), StandardCharsets.UTF_8)
                .trim();
    return List.of(
        "-cp",
        classPath,
        "dev.sqlorigin.apps.spring.PetsApplication",
        "--server.port=0",
        "--server.address=127.0.0.1");
  }

  /**
   * Starts {@code java [jvmOptions] [application]} (an application that prints {@code listening on
   * http://127.0.0.1:<port>} and reads {@code DATABASE_URL}) and returns once it answers {@code GET
   * healthPath} with 200.
   */
  static AppUnderTest start(
      Path java,
      List<String> jvmOptions,
      List<String> application,
      String healthPath,
      String databaseUrl)
      throws IOException, InterruptedException {
    return start(List.of(), java, jvmOptions, application, healthPath, databaseUrl);
  }

  /**
   * As above, the command run through {@code prefix} (such as {@code taskset -c 0}, which replaces
   * itself with the JVM: the process is still the JVM's).
   */
  static AppUnderTest start(
      List<String> prefix,
      Path java,
      List<String> jvmOptions,
      List<String> application,
      String healthPath,
      String databaseUrl)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.add(java.toString());
    command.addAll(jvmOptions);
    command.addAll(application);
    AppUnderTest app = new AppUnderTest(command, databaseUrl);
    try {
      app.awaitHealthy(healthPath);
    } catch (IOException | RuntimeException | InterruptedException e) {
      app.close();
      throw e;
    }
    return app;
  }

  private void awaitHealthy(String healthPath) throws IOException, InterruptedException {
    long deadline = launchedNanos + START_TIMEOUT.toNanos();
    int found;
    try {
      found = port.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "the app did not print its port within " + START_TIMEOUT.toSeconds() + " s" + output());
    }
    if (found < 0) {
      throw new IOException("the app exited before listening" + output());
    }
    // The banner comes once Jetty is started, so this is normally one request; the loop guards
    // against an app that prints first and serves later.
    byte[] health = HttpConnection.get(healthPath, found);
    while (true) {
      try (HttpConnection connection = new HttpConnection(found, 1_000)) {
        if (connection.send(health).status() == 200) {
          startupNanos = System.nanoTime() - launchedNanos;
          return;
        }
      } catch (IOException e) {
        // not serving yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("GET " + healthPath + " never answered 200" + output());
      }
      Thread.sleep(5);
    }
  }

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lastLines) {
          if (lastLines.size() == KEPT_LINES) {
            lastLines.removeFirst();
          }
          lastLines.addLast(line);
        }
        for (Consumer<String> listener : listeners) {
          listener.accept(line);
        }
        Matcher matcher = LISTENING.matcher(line);
        if (!port.isDone() && matcher.find()) {
          port.complete(Integer.parseInt(matcher.group(1)));
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      port.complete(-1);
    }
  }

  /** Hands every line the app prints from now on to {@code listener}, on the output's thread. */
  void onLine(Consumer<String> listener) {
    listeners.add(listener);
  }

  int port() {
    return port.join();
  }

  long pid() {
    return process.pid();
  }

  long startupMillis() {
    return TimeUnit.NANOSECONDS.toMillis(startupNanos);
  }

  /**
   * CPU time the app's JVM has used so far, all threads, in nanoseconds; -1 where the platform does
   * not tell. Differences of it give the CPU cost per request, which on a saturated machine says
   * more about overhead than throughput does (the load generator and PostgreSQL take their share).
   */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /** The CPU its JIT compiler threads have used so far, in ns (10 ms ticks); -1 without /proc. */
  long jitCpuNanos() {
    Map<String, Long> byKind = threadCpuMillis();
    return byKind.isEmpty()
        ? -1
        : (byKind.getOrDefault("C1", 0L) + byKind.getOrDefault("C2", 0L)) * 1_000_000;
  }

  /**
   * The CPU milliseconds each kind of thread of the app's JVM has used so far, from {@code
   * /proc/<pid>/task/<tid>/stat} (10 ms ticks): the main thread, the JIT's compiler threads, the
   * collector's, sqlorigin's own ({@code sqlorigin-*}), all the other live ones, and those that
   * already ended ({@code ended}: the process's own count, which keeps theirs, less the live
   * threads'; {@code sqlorigin-init} is among them once it built the instrumentation); empty where
   * there is no /proc.
   */
  Map<String, Long> threadCpuMillis() {
    Map<String, Long> byKind = new TreeMap<>();
    Path proc = Paths.get("/proc", Long.toString(process.pid()));
    long live = 0;
    try (Stream<Path> threads = Files.list(proc.resolve("task"))) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException ended) {
          continue;
        }
        long ticks = cpuTicks(stat);
        live += ticks;
        byKind.merge(threadKind(threadName(stat)), ticks * 10, Long::sum);
      }
      long all = cpuTicks(Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8));
      byKind.put("ended", Math.max(0, all - live) * 10);
    } catch (IOException e) {
      return Map.of();
    }
    return byKind;
  }

  // "tid (name) state ppid …": the name may hold spaces, so fields count from its ')'.
  private static String threadName(String stat) {
    return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  }

  /** User and system ticks (utime, stime) of a {@code /proc} stat line. */
  private static long cpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static String threadKind(String name) {
    if (name.equals("java") || name.equals("main")) {
      return "main";
    }
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return name.substring(0, 2);
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ")) {
      return "GC";
    }
    return name.startsWith("sqlorigin-") ? "sqlorigin" : "other";
  }

  /** The resident set size of the app's JVM in KiB (VmRSS), or -1 where there is no /proc. */
  long residentKib() {
    Path status = Paths.get("/proc", Long.toString(process.pid()), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /**
   * The live set in KiB: heap used right after a full collection (the JDK's {@code jcmd} asks the
   * app's JVM for one) plus metaspace used; -1 where it cannot be read. Resident memory differs
   * between two JVMs mostly by how much heap the collector chose to keep, not by what they hold.
   */
  long liveKib(Path java) {
    Path jcmd = java.resolveSibling("jcmd");
    if (!Files.isExecutable(jcmd)) {
      return -1;
    }
    String pid = Long.toString(process.pid());
    try {
      if (!run(jcmd.toString(), pid, "GC.run").isPresent()) {
        return -1;
      }
      // Metaspace is in the heap's summary up to JDK 21, in its own command's on every JDK.
      String info =
          run(jcmd.toString(), pid, "GC.heap_info").orElse("")
              + run(jcmd.toString(), pid, "VM.metaspace", "basic").orElse("");
      Matcher heap = HEAP_USED.matcher(info);
      Matcher metaspace = METASPACE_USED.matcher(info);
      return heap.find() && metaspace.find()
          ? Long.parseLong(heap.group(1)) + Long.parseLong(metaspace.group(1))
          : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  // "garbage-first heap   total 262144K, used 23456K [..." (JDK 25: "total reserved …K, committed
  // …K, used …K"), or a line per generation ("tenured generation   total …K, used …K").
  private static final Pattern HEAP_USED =
      Pattern.compile("(?:heap|generation|Gen)\\s+total[^\\n]*?used (\\d+)K");
  private static final Pattern METASPACE_USED = Pattern.compile("Metaspace\\s+used (\\d+)K");

  /** The output of a short command, or empty if it failed or took longer than 30 s. */
  private static java.util.Optional<String> run(String... command)
      throws IOException, InterruptedException {
    Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = tool.getInputStream().readAllBytes();
    if (!tool.waitFor(30, TimeUnit.SECONDS) || tool.exitValue() != 0) {
      tool.destroyForcibly();
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new String(output, StandardCharsets.UTF_8));
  }

  /** The app's last lines of output, for error messages. */
  String output() {
    synchronized (lastLines) {
      return lastLines.isEmpty() ? " (no output)" : ":\n  " + String.join("\n  ", lastLines);
    }
  }

  /** SIGTERM, as a platform would stop it; SIGKILL if it is not gone within 30 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly(); // no app JVM outlives the harness
      Thread.currentThread().interrupt();
    }
  }

  /** For the harness's shutdown hook: the harness itself is going away. */
  void kill() {
    process.destroyForcibly();
  }
}
