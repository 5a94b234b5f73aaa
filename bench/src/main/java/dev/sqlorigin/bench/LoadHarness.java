package dev.sqlorigin.bench;

import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Runs the sample app (or a Spring Boot test application, {@code --module}) under load in several
 * configurations (without the agent, with it, with it set to route only) and prints a Markdown
 * comparison. See docs/benchmarks.md.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.LoadHarness [options]}, from
 * the repository root after {@code ./mvnw install -DskipTests}.
 *
 * <p>Method: one PostgreSQL for all runs (so the database is never what differs); in each round
 * every configuration runs once, in an order shuffled per round (so that neither a warming machine
 * nor a neighbour's burst lands on the same configuration every time); each run is a fresh JVM:
 * start-up, warm-up, measured load, resident memory, SIGTERM. The summary is of medians.
 */
public final class LoadHarness {

  /** Which agent a configuration attaches. */
  enum Agent {
    NONE,
    SQLORIGIN,
    // Another build of sqlorigin (--other-agent-jar): a change's before and after, interleaved.
    SQLORIGIN_OTHER,
    OPENTELEMETRY
  }

  /** A way to start the application: which agent, and its settings. */
  record Configuration(String name, Agent agent, List<String> systemProperties) {}

  static final Map<String, Configuration> CONFIGURATIONS = new LinkedHashMap<>();

  static {
    add(new Configuration(Report.BASELINE, Agent.NONE, List.of()));
    // Defaults: the route in the comment, the request ID kept out of the database.
    add(new Configuration("sqlorigin", Agent.SQLORIGIN, List.of()));
    add(new Configuration("sqlorigin-other", Agent.SQLORIGIN_OTHER, List.of()));
    add(
        new Configuration(
            "sqlorigin-application-name",
            Agent.SQLORIGIN,
            List.of(Config.REQUEST_ID_APPLICATION_NAME + "=true")));
    add(
        new Configuration(
            "sqlorigin-id-in-comment",
            Agent.SQLORIGIN,
            List.of(Config.COMMENT_FIELDS + "=route,request_id")));
    add(
        new Configuration(
            "sqlorigin-sqlcommenter",
            Agent.SQLORIGIN,
            List.of(Config.COMMENT_FORMAT + "=sqlcommenter")));
    add(
        new Configuration(
            "sqlorigin-disabled", Agent.SQLORIGIN, List.of(Config.ENABLED + "=false")));
    // Spans and metrics made but not exported, then exported over OTLP/HTTP to a local sink that
    // accepts everything ({otlp} is its address); both with the traceparent off, as by default.
    add(
        new Configuration(
            "sqlorigin-otel-no-export",
            Agent.SQLORIGIN,
            List.of("otel.traces.exporter=none", "otel.metrics.exporter=none")));
    add(
        new Configuration(
            "sqlorigin-otel-otlp",
            Agent.SQLORIGIN,
            List.of("otel.exporter.otlp.endpoint=" + OtlpSink.ADDRESS)));
    // The same with the SDK's own batch sizes (512 spans per export from a queue of 2,048) instead
    // of sqlorigin's (2,048 from 4,096): what the larger batches save, inside one run.
    add(
        new Configuration(
            "sqlorigin-otel-otlp-sdk-batch",
            Agent.SQLORIGIN,
            List.of(
                "otel.exporter.otlp.endpoint=" + OtlpSink.ADDRESS,
                "otel.bsp.max.export.batch.size=512",
                "otel.bsp.max.queue.size=2048")));
    // The same with one request in ten sampled, as the README advises under load: what the
    // sampling lever buys, compared inside one interleaved run (runs an hour apart differ by more).
    add(
        new Configuration(
            "sqlorigin-otel-otlp-10pct",
            Agent.SQLORIGIN,
            List.of(
                "otel.exporter.otlp.endpoint=" + OtlpSink.ADDRESS,
                "otel.traces.sampler=parentbased_traceidratio",
                "otel.traces.sampler.arg=0.1")));
    // Export as in sqlorigin-otel-otlp, with no request sampled (metrics are still exported): what
    // an unsampled request costs.
    add(
        new Configuration(
            "sqlorigin-otel-unsampled",
            Agent.SQLORIGIN,
            List.of(
                "otel.exporter.otlp.endpoint=" + OtlpSink.ADDRESS,
                "otel.traces.sampler=always_off")));
    // The OpenTelemetry Java agent as users compare with it: its traceparent comment on, nothing
    // exported.
    add(
        new Configuration(
            "otel-agent",
            Agent.OPENTELEMETRY,
            List.of(
                "otel.instrumentation.common.db.experimental.sqlcommenter.enabled=true",
                "otel.traces.exporter=none",
                "otel.metrics.exporter=none",
                "otel.logs.exporter=none")));
    // And exporting its spans and metrics to the same sink as sqlorigin's.
    add(
        new Configuration(
            "otel-agent-otlp",
            Agent.OPENTELEMETRY,
            List.of(
                "otel.instrumentation.common.db.experimental.sqlcommenter.enabled=true",
                "otel.exporter.otlp.protocol=http/protobuf",
                "otel.exporter.otlp.endpoint=" + OtlpSink.ADDRESS,
                "otel.logs.exporter=none")));
  }

  private static void add(Configuration configuration) {
    CONFIGURATIONS.put(configuration.name(), configuration);
  }

  static final String USAGE =
      String.join(
          "\n",
          "usage: java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.LoadHarness [options]",
          "  --rounds=N            rounds; each runs every configuration once (default 5)",
          "  --duration=T          measured load per run, e.g. 10s, 500ms, 1m (default 10s)",
          "  --warmup=T            load before measuring, discarded (default 5s)",
          "  --connections=N       concurrent keep-alive connections, closed loop (default 8)",
          "  --rate=N              paced instead: N requests per second over the connections, latency",
          "                        from each request's planned time; every configuration then serves",
          "                        the same load, so CPU per request compares work, not saturation",
          "  --configs=A,B,...     of "
              + String.join(", ", CONFIGURATIONS.keySet())
                  .replace("sqlorigin-otel", "\n                        sqlorigin-otel"),
          "                        (default no-agent,sqlorigin,sqlorigin-application-name,",
          "                        sqlorigin-id-in-comment,otel-agent)",
          "  --database-url=URL    an existing database for the app (default: one embedded PostgreSQL)",
          "  --baseline=NAME       the configuration the others are compared with, one of --configs",
          "                        (default no-agent)",
          "  --workload=W          owners (one primary-key lookup per request) or report (three",
          "                        small joins per request, where planning shows) (default owners);",
          "                        with --module: pets (one primary-key lookup through JdbcTemplate)",
          "  --agent-jar=PATH      (default agent/target/sqlorigin-agent.jar)",
          "  --other-agent-jar=PATH another build of sqlorigin, for sqlorigin-other (the agent",
          "                        before a change, to compare with in the same run)",
          "  --otel-agent-jar=PATH the OpenTelemetry Java agent, for otel-agent",
          "                        (default bench/target/otel/opentelemetry-javaagent.jar)",
          "  --app-jar=PATH        (default sample-app/target/sample-app.jar)",
          "  --module=NAME         run the Spring Boot application of test-apps/NAME instead of the",
          "                        sample app (spring-boot2, spring-boot3, ...; built by install)",
          "  --java=PATH           the java that runs the app (default: the one running this)",
          "  --jvm-opts='A B'      JVM options of the app in every configuration (default -Xmx512m)",
          "  --pin=on|off          the app on the first CPUs, the OTLP sink on the last (taskset;",
          "                        default on where taskset exists and there are 2 CPUs or more)",
          "  --seed=N              for the run order and the owner IDs (default: random, printed)");

  /** A command line that cannot be used; the message says why. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  record Options(
      int rounds,
      Duration duration,
      Duration warmup,
      int connections,
      int rate,
      List<String> configs,
      String baseline,
      LoadGenerator.Workload workload,
      String databaseUrl,
      Path agentJar,
      Path otherAgentJar,
      Path otelAgentJar,
      Path appJar,
      Path moduleTarget,
      Path java,
      List<String> jvmOptions,
      boolean pin,
      long seed) {

    static Options parse(String... args) throws Invalid {
      Map<String, String> values = new LinkedHashMap<>();
      for (String arg : args) {
        int eq = arg.indexOf('=');
        if (!arg.startsWith("--") || eq < 0) {
          throw new Invalid("expected --name=value, got " + arg);
        }
        values.put(arg.substring(2, eq), arg.substring(eq + 1));
      }
      String java = values.remove("java");
      String jvmOptions =
          values.containsKey("jvm-opts") ? values.remove("jvm-opts").trim() : "-Xmx512m";
      String seed = values.remove("seed");
      String pin = values.remove("pin");
      if (pin != null && !pin.equals("on") && !pin.equals("off")) {
        throw new Invalid("--pin must be on or off, got '" + pin + "'");
      }
      String module = values.remove("module");
      String workload = values.remove("workload");
      Options options =
          new Options(
              integer(values.remove("rounds"), 5, 1, 100, "rounds"),
              duration(
                  values.remove("duration"),
                  Duration.ofSeconds(10),
                  Duration.ofSeconds(1),
                  "duration"),
              duration(values.remove("warmup"), Duration.ofSeconds(5), Duration.ZERO, "warmup"),
              integer(values.remove("connections"), 8, 1, 256, "connections"),
              integer(values.remove("rate"), 0, 1, 1_000_000, "rate"),
              configs(values.remove("configs")),
              Optional.ofNullable(values.remove("baseline"))
                  .map(String::trim)
                  .orElse(Report.BASELINE),
              workload(workload, module != null),
              values.remove("database-url"),
              file(values.remove("agent-jar"), "agent/target/sqlorigin-agent.jar"),
              values.containsKey("other-agent-jar")
                  ? file(values.remove("other-agent-jar"), null)
                  : null,
              file(
                  values.remove("otel-agent-jar"), "bench/target/otel/opentelemetry-javaagent.jar"),
              file(values.remove("app-jar"), "sample-app/target/sample-app.jar"),
              module == null ? null : file(null, "test-apps/" + module.trim() + "/target"),
              java != null
                  ? Paths.get(java)
                  : Paths.get(System.getProperty("java.home"), "bin", "java"),
              jvmOptions.isEmpty() ? List.of() : List.of(jvmOptions.split("\\s+")),
              pin == null ? Pinning.available() : pin.equals("on"),
              seed != null
                  ? longValue(seed, "seed")
                  : ThreadLocalRandom.current().nextLong(1_000_000));
      if (!values.isEmpty()) {
        throw new Invalid("unknown option --" + values.keySet().iterator().next());
      }
      if (options.uses(Agent.SQLORIGIN) && !Files.isRegularFile(options.agentJar)) {
        throw new Invalid(
            "the agent jar "
                + options.agentJar
                + " is missing: build it with "
                + "`./mvnw -q install -DskipTests` from the repository root, or pass --agent-jar");
      }
      if (options.uses(Agent.SQLORIGIN_OTHER)
          && (options.otherAgentJar == null || !Files.isRegularFile(options.otherAgentJar))) {
        throw new Invalid(
            "sqlorigin-other needs --other-agent-jar, an agent jar that exists; got "
                + options.otherAgentJar);
      }
      if (options.uses(Agent.OPENTELEMETRY) && !Files.isRegularFile(options.otelAgentJar)) {
        throw new Invalid(
            "the OpenTelemetry agent jar "
                + options.otelAgentJar
                + " is missing: "
                + "`./mvnw -q install -DskipTests` downloads it into bench/target/otel, or pass --otel-agent-jar");
      }
      if (options.moduleTarget != null) {
        if (!Files.isRegularFile(options.moduleTarget.resolve("classpath.txt"))) {
          throw new Invalid(
              "the test application "
                  + options.moduleTarget
                  + " is not built (no classpath.txt): build it with "
                  + "`./mvnw -q install -DskipTests` from the repository root");
        }
      } else if (!Files.isRegularFile(options.appJar)) {
        throw new Invalid(
            "the sample app jar "
                + options.appJar
                + " is missing: build it with "
                + "`./mvnw -q install -DskipTests` from the repository root, or pass --app-jar");
      }
      if (!options.baseline.equals(Report.BASELINE)
          && !options.configs.contains(options.baseline)) {
        throw new Invalid(
            "--baseline must be one of the configurations run ("
                + String.join(", ", options.configs)
                + "), got '"
                + options.baseline
                + "'");
      }
      if (options.pin && !Pinning.available()) {
        throw new Invalid("--pin=on needs taskset on the PATH and at least 2 CPUs");
      }
      if (options.databaseUrl != null && options.databaseUrl.isBlank()) {
        throw new Invalid("--database-url is empty");
      }
      return options;
    }

    private static int integer(String value, int defaultValue, int min, int max, String name)
        throws Invalid {
      if (value == null) {
        return defaultValue;
      }
      long parsed = longValue(value, name);
      if (parsed < min || parsed > max) {
        throw new Invalid("--" + name + " must be from " + min + " to " + max + ", got " + value);
      }
      return (int) parsed;
    }

    private static long longValue(String value, String name) throws Invalid {
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new Invalid("--" + name + " must be a whole number, got '" + value + "'");
      }
    }

    /** {@code 10}, {@code 10s}, {@code 500ms} or {@code 2m}; at most 10 minutes. */
    static Duration duration(String value, Duration defaultValue, Duration min, String name)
        throws Invalid {
      if (value == null) {
        return defaultValue;
      }
      String text = value.trim().toLowerCase(Locale.ROOT);
      Duration parsed;
      try {
        if (text.endsWith("ms")) {
          parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        } else if (text.endsWith("m")) {
          parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        } else {
          parsed =
              Duration.ofSeconds(
                  Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
        }
      } catch (NumberFormatException e) {
        throw new Invalid(
            "--" + name + " must be a duration such as 10s or 500ms, got '" + value + "'");
      }
      if (parsed.compareTo(min) < 0 || parsed.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new Invalid(
            "--" + name + " must be from " + min.toMillis() + " ms to 10 minutes, got " + value);
      }
      return parsed;
    }

    /** Whether some configuration exports to the OTLP sink. */
    boolean usesSink() {
      return configs.stream()
          .anyMatch(
              name ->
                  CONFIGURATIONS.get(name).systemProperties().stream()
                      .anyMatch(property -> property.contains(OtlpSink.ADDRESS)));
    }

    boolean uses(Agent agent) {
      return configs.stream().anyMatch(name -> CONFIGURATIONS.get(name).agent() == agent);
    }

    /** The sample app serves owners and report; a Spring Boot test application, pets. */
    private static LoadGenerator.Workload workload(String value, boolean testApp) throws Invalid {
      if (testApp) {
        if (value != null && !value.trim().equalsIgnoreCase("pets")) {
          throw new Invalid("--workload with --module must be pets, got '" + value + "'");
        }
        return LoadGenerator.Workload.PETS;
      }
      if (value == null) {
        return LoadGenerator.Workload.OWNERS;
      }
      for (LoadGenerator.Workload workload :
          List.of(LoadGenerator.Workload.OWNERS, LoadGenerator.Workload.REPORT)) {
        if (workload.name().equalsIgnoreCase(value.trim())) {
          return workload;
        }
      }
      throw new Invalid(
          "--workload must be owners or report (pets with --module), got '" + value + "'");
    }

    private static List<String> configs(String value) throws Invalid {
      if (value == null) {
        return List.of(
            Report.BASELINE,
            "sqlorigin",
            "sqlorigin-application-name",
            "sqlorigin-id-in-comment",
            "otel-agent");
      }
      List<String> names = new ArrayList<>();
      for (String part : value.split(",")) {
        String name = part.trim();
        if (!CONFIGURATIONS.containsKey(name)) {
          throw new Invalid(
              "unknown configuration '"
                  + name
                  + "'; known: "
                  + String.join(", ", CONFIGURATIONS.keySet()));
        }
        if (!names.contains(name)) {
          names.add(name);
        }
      }
      return names;
    }

    /**
     * The given path, or the default relative to the working directory (the repository root or
     * bench/).
     */
    static Path file(String value, String defaultPath) {
      if (value != null) {
        return Paths.get(value).toAbsolutePath().normalize();
      }
      Path here = Paths.get(defaultPath).toAbsolutePath().normalize();
      Path fromBench = Paths.get("..", defaultPath).toAbsolutePath().normalize();
      return !Files.exists(here) && Files.exists(fromBench) ? fromBench : here;
    }

    /** A rough upper bound of the wall time, printed before starting. */
    Duration estimate() {
      long perRun = warmup.toMillis() + duration.toMillis() + 6_000; // start-up and stop
      return Duration.ofMillis(perRun * rounds * configs.size());
    }
  }

  private LoadHarness() {}

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    // The embedded PostgreSQL logs every server line at INFO; only problems are of interest here.
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (Invalid e) {
      System.err.println("LoadHarness: " + e.getMessage() + "\n" + USAGE);
      System.exit(2);
      return;
    }
    Report report = run(options);
    System.out.println(report.markdown());
    if (report.hasErrors()) {
      System.err.println("LoadHarness: some requests failed; see the errors column");
      System.exit(1);
    }
  }

  /** Runs every round; progress goes to standard error, the result is returned. */
  static Report run(Options options) throws Exception {
    AtomicReference<AppUnderTest> current = new AtomicReference<>();
    // Interrupted (Ctrl-C): no app JVM may outlive the harness.
    Thread hook =
        new Thread(
            () -> {
              AppUnderTest app = current.get();
              if (app != null) {
                app.kill();
              }
            },
            "load-harness-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Database database = Database.open(options.databaseUrl());
        OtlpSink sink =
            options.usesSink()
                ? OtlpSink.start(options.pin() ? Pinning.sink() : List.of())
                : null) {
      String settings =
          String.format(
              Locale.ROOT,
              "%d round(s) x [%s], order shuffled per round (seed %d); per run: %d ms warm-up, %d ms measured, "
                  + "%d connections%s on %s; app %s on %s, JVM options %s; %s; %s; harness on %d"
                  + " CPUs, Java %s",
              options.rounds(),
              String.join(", ", options.configs()),
              options.seed(),
              options.warmup().toMillis(),
              options.duration().toMillis(),
              options.connections(),
              options.rate() == 0 ? "" : " paced at " + options.rate() + " req/s",
              options.workload().description,
              options.moduleTarget() == null
                  ? options.appJar().getFileName()
                  : "test-apps/" + options.moduleTarget().getParent().getFileName(),
              options.java(),
              String.join(" ", options.jvmOptions()),
              database.description(),
              options.pin()
                  ? "app on CPU "
                      + Pinning.app().get(2)
                      + (sink != null
                          ? ", OTLP sink (own process) on CPU " + Pinning.sink().get(2)
                          : "")
                      + " (taskset)"
                  : "nothing pinned" + (sink != null ? ", OTLP sink in its own process" : ""),
              Runtime.getRuntime().availableProcessors(),
              Runtime.version());
      progress(settings);
      progress("this takes about " + options.estimate().toSeconds() + " s");
      Random order = new Random(options.seed());
      List<Report.Run> runs = new ArrayList<>();
      for (int round = 1; round <= options.rounds(); round++) {
        List<String> configs = new ArrayList<>(options.configs());
        Collections.shuffle(configs, order);
        for (String name : configs) {
          Report.Run run =
              runOnce(options, CONFIGURATIONS.get(name), round, database, sink, current);
          runs.add(run);
          progress(
              String.format(
                  Locale.ROOT,
                  "round %d/%d %-22s %6.0f req/s  p50 %5.2f ms  p99 %5.2f ms  CPU app %3.0f (JIT %3.0f) db %3.0f"
                      + " us/req  errors %d  start-up %4d ms  RSS %3.0f MiB  live %5.1f MiB  comment %s%s",
                  round,
                  options.rounds(),
                  name,
                  run.throughput(),
                  run.p50Millis(),
                  run.p99Millis(),
                  run.cpuMicrosPerRequest(),
                  run.jitCpuMicrosPerRequest(),
                  run.dbCpuMicrosPerRequest(),
                  run.errors(),
                  run.startupMillis(),
                  run.rssMib(),
                  run.liveMib(),
                  run.sqlComment(),
                  options.rate() > 0 && run.throughput() < 0.95 * options.rate()
                      ? "  BEHIND its pace of " + options.rate() + " req/s: saturated"
                      : ""));
        }
      }
      return new Report(settings, options.configs(), runs, options.baseline());
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook is running or has run
      }
    }
  }

  private static Report.Run runOnce(
      Options options,
      Configuration configuration,
      int round,
      Database database,
      OtlpSink sink,
      AtomicReference<AppUnderTest> current)
      throws Exception {
    List<String> jvm = new ArrayList<>(options.jvmOptions());
    if (options.pin()) {
      // Sized as on the whole machine (the same collector and thread counts as unpinned), not as
      // a JVM that sees one CPU.
      jvm.add(0, "-XX:ActiveProcessorCount=" + Runtime.getRuntime().availableProcessors());
    }
    if (configuration.agent() == Agent.SQLORIGIN) {
      jvm.add("-javaagent:" + options.agentJar());
    } else if (configuration.agent() == Agent.SQLORIGIN_OTHER) {
      jvm.add("-javaagent:" + options.otherAgentJar());
    } else if (configuration.agent() == Agent.OPENTELEMETRY) {
      jvm.add("-javaagent:" + options.otelAgentJar());
    }
    for (String property : configuration.systemProperties()) {
      jvm.add(
          "-D"
              + (property.contains(OtlpSink.ADDRESS)
                  ? property.replace(OtlpSink.ADDRESS, sink.endpoint())
                  : property));
    }
    AppUnderTest app =
        options.moduleTarget() == null
            ? AppUnderTest.start(
                options.pin() ? Pinning.app() : List.of(),
                options.java(),
                jvm,
                options.appJar(),
                database.appUrl())
            : AppUnderTest.start(
                options.pin() ? Pinning.app() : List.of(),
                options.java(),
                jvm,
                AppUnderTest.springBootTestApp(options.moduleTarget()),
                AppUnderTest.SPRING_BOOT_TEST_APP_HEALTH,
                database.appUrl());
    current.set(app);
    try {
      LoadGenerator generator =
          new LoadGenerator(app.port(), options.connections(), options.workload(), options.rate());
      long seed = options.seed() * 31 + round;
      if (!options.warmup().isZero()) {
        generator.run(options.warmup(), seed);
      }
      long cpuBefore = app.cpuNanos();
      long jitBefore = app.jitCpuNanos();
      long dbCpuBefore = database.serverCpuNanos();
      LoadGenerator.Result result = generator.run(options.duration(), seed + 1);
      long cpuAfter = app.cpuNanos();
      long jitAfter = app.jitCpuNanos();
      long dbCpuAfter = database.serverCpuNanos();
      // Measured while the app is still up, right after the load: what it holds when busy.
      long rss = app.residentKib();
      // After the RSS: it forces a full collection.
      long live = app.liveKib(options.java());
      String comment = database.lastComment(options.workload().queryFragment);
      return new Report.Run(
          round,
          configuration.name(),
          result.ok(),
          result.errors(),
          result.echoedRequestIds(),
          result.throughput(),
          result.latencyMillis(0.50),
          result.latencyMillis(0.99),
          perRequestMicros(cpuBefore, cpuAfter, result.ok()),
          perRequestMicros(jitBefore, Math.max(jitBefore, jitAfter), result.ok()),
          perRequestMicros(dbCpuBefore, dbCpuAfter, result.ok()),
          app.startupMillis(),
          rss,
          live,
          comment);
    } finally {
      app.close();
      current.set(null);
    }
  }

  private static double perRequestMicros(long before, long after, long requests) {
    return before < 0 || after < 0 || requests == 0
        ? Double.NaN
        : (after - before) / 1e3 / requests;
  }

  private static void progress(String line) {
    System.err.println("[load] " + line);
  }

  /**
   * Where processes run when pinned: the app on every CPU but the last, the OTLP sink on the last,
   * so that the receiver's work never takes the app's CPU. The database and the load generator are
   * left to the scheduler.
   */
  static final class Pinning {
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    private Pinning() {}

    static boolean available() {
      if (CPUS < 2) {
        return false;
      }
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, "taskset"))) {
          return true;
        }
      }
      return false;
    }

    static List<String> app() {
      return List.of("taskset", "-c", CPUS == 2 ? "0" : "0-" + (CPUS - 2));
    }

    static List<String> sink() {
      return List.of("taskset", "-c", Integer.toString(CPUS - 1));
    }
  }

  /** The one database of all runs: embedded unless a URL is given. */
  static final class Database implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String appUrl;
    // For the harness's own look at pg_stat_activity; null when the URL is not a JDBC one.
    private final String jdbcUrl;
    private final String description;
    private final ProcessHandle postmaster;

    private Database(EmbeddedPostgres embedded, String appUrl) {
      this.embedded = embedded;
      this.appUrl = appUrl;
      this.jdbcUrl = appUrl.startsWith("jdbc:postgresql:") ? appUrl : null;
      String version = query("SHOW server_version");
      this.description =
          (embedded != null ? "embedded PostgreSQL " : "external PostgreSQL ")
              + (version != null ? version : "(version unknown)");
      this.postmaster = findPostmaster();
    }

    static Database open(String url) throws IOException {
      if (url != null) {
        return new Database(null, url);
      }
      EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
      return new Database(embedded, embedded.getJdbcUrl("postgres", "postgres"));
    }

    String appUrl() {
      return appUrl;
    }

    String description() {
      return description;
    }

    /**
     * Which fields the app's last statements of the workload carried, as PostgreSQL saw them: every
     * idle pool connection still shows its last statement (and name) in pg_stat_activity. This
     * checks that each configuration did what its name says ({@code none} without an agent, {@code
     * route+application_name} with the defaults), not just that the app was started with some flag.
     * "?" when it cannot be seen.
     */
    String lastComment(String queryFragment) {
      if (jdbcUrl == null) {
        return "?";
      }
      Set<String> seen = new TreeSet<>();
      try (Connection connection = DriverManager.getConnection(jdbcUrl);
          PreparedStatement statement =
              connection.prepareStatement(
                  "SELECT query, application_name"
                      + " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                      + " AND query LIKE ?")) {
        statement.setString(1, "%" + queryFragment + "%");
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            List<String> fields = new ArrayList<>(SqlComment.parse(rows.getString(1)).keySet());
            if (rows.getString(1).contains("/*traceparent='")) {
              fields.add("traceparent");
            }
            if (rows.getString(2) != null && rows.getString(2).contains(" req=")) {
              fields.add("application_name");
            }
            seen.add(fields.isEmpty() ? "none" : String.join("+", fields));
          }
        }
      } catch (SQLException e) {
        return "?";
      }
      return seen.isEmpty() ? "?" : String.join("/", seen);
    }

    /**
     * CPU time used so far by the PostgreSQL server's processes (postmaster and all its children),
     * when they run on this machine, in nanoseconds; -1 otherwise. Differences of it give the
     * database's CPU per request: what the server spends parsing and planning statements that it
     * cannot keep prepared shows there, not in the app's CPU.
     */
    long serverCpuNanos() {
      if (postmaster == null) {
        return -1;
      }
      return Stream.concat(Stream.of(postmaster), postmaster.descendants())
          .mapToLong(process -> process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
          .sum();
    }

    /** The server's postmaster, if it is a local process we can see (the parent of our backend). */
    private ProcessHandle findPostmaster() {
      if (jdbcUrl == null) {
        return null;
      }
      try (Connection connection = DriverManager.getConnection(jdbcUrl);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
        rows.next();
        // Looked up while the connection is open: the backend exits when it closes.
        return ProcessHandle.of(rows.getLong(1))
            .flatMap(ProcessHandle::parent)
            // A remote server's PID may name an unrelated local process.
            .filter(
                process ->
                    process
                        .info()
                        .command()
                        .map(command -> command.contains("postgres"))
                        .orElse(false))
            .orElse(null);
      } catch (SQLException e) {
        return null;
      }
    }

    private String query(String sql) {
      if (jdbcUrl == null) {
        return null;
      }
      try (Connection connection = DriverManager.getConnection(jdbcUrl);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(sql)) {
        return rows.next() ? rows.getString(1) : null;
      } catch (SQLException e) {
        return null;
      }
    }

    @Override
    public void close() throws IOException {
      if (embedded != null) {
        embedded.close();
      }
    }
  }
}
