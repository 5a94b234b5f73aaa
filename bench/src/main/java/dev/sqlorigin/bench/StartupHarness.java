package dev.sqlorigin.bench;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the agent adds to the start-up of an application: Spring Boot (test-apps/spring-boot3:
 * Tomcat, Hibernate, Spring Data JPA, HikariCP; or another module with the same application),
 * Quarkus ({@code --module=quarkus}: its quarkus-run.jar) or Micronaut ({@code --module=micronaut})
 * or the sample app ({@code --module=sample-app}: Jetty, HikariCP, no framework): rounds of one
 * start without the agent and one with each agent jar given (several: a before/after comparison in
 * one run), in an order shuffled per round, each timed from launching the JVM to the first 200 of a
 * request that reaches the database, and by the CPU time its JVM used until then (which, on a
 * machine shared with other work, varies less than the wall time). Prints a Markdown table and, per
 * agent, the medians of the per-round ratios and differences with their ranges, and the wall added
 * over all rounds per millisecond of CPU added.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.StartupHarness [--rounds=10]
 *     [--module=spring-boot3|quarkus|micronaut|sample-app] [--agent-jar=PATH]... [--java=PATH]
 *     [--jvm-opts='-Xmx512m'] [--seed=N] [--threads] [--empty-agent]
 * </pre>
 *
 * <p>{@code --empty-agent} adds a configuration with an agent whose premain does nothing ({@link
 * EmptyAgent}, a jar written for the run; Java 17 and later): the floor of any {@code -javaagent},
 * against which the rest of an agent's cost is its own.
 *
 * <p>{@code --threads} also prints, per start, the CPU each kind of thread had used by the first
 * answer (main, the JIT's C1 and C2, the collector, sqlorigin's own, the others, those that had
 * ended: {@code sqlorigin-init} among them) and, at the end, their medians per configuration and,
 * per agent, what each kind used more than without an agent, round by round: where an agent's extra
 * CPU goes.
 */
public final class StartupHarness {

  private static final String WITHOUT = "no agent";
  private static final String EMPTY = "empty agent";

  private StartupHarness() {}

  public static void main(String[] args) throws Exception {
    int rounds = 10;
    String module = "spring-boot3";
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    long seed = System.nanoTime();
    List<String> agentJars = new ArrayList<>();
    List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
    boolean threads = false;
    boolean emptyAgent = false;
    for (String arg : args) {
      if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(arg.substring("--rounds=".length()));
      } else if (arg.startsWith("--module=")) {
        module = arg.substring("--module=".length());
      } else if (arg.startsWith("--java=")) {
        java = Paths.get(arg.substring("--java=".length()));
      } else if (arg.startsWith("--jvm-opts=")) {
        jvmOptions =
            new ArrayList<>(List.of(arg.substring("--jvm-opts=".length()).trim().split("\\s+")));
      } else if (arg.startsWith("--agent-jar=")) {
        agentJars.add(arg.substring("--agent-jar=".length()));
      } else if (arg.equals("--threads")) {
        threads = true;
      } else if (arg.equals("--empty-agent")) {
        emptyAgent = true;
      } else if (arg.startsWith("--seed=")) {
        seed = Long.parseLong(arg.substring("--seed=".length()));
      } else {
        System.err.println("unknown option " + arg);
        System.exit(2);
      }
    }
    if (agentJars.isEmpty()) {
      agentJars.add(null);
    }
    // Each agent by its file name, or its path where two share a name.
    Map<String, Path> agents = new LinkedHashMap<>();
    if (emptyAgent) {
      Path directory = Files.createTempDirectory("sqlorigin-empty-agent");
      Path jar = EmptyAgent.writeJar(directory);
      // Deleted in the reverse order: the jar, then its directory.
      directory.toFile().deleteOnExit();
      jar.toFile().deleteOnExit();
      agents.put(EMPTY, jar);
    }
    for (String jar : agentJars) {
      Path agent = LoadHarness.Options.file(jar, "agent/target/sqlorigin-agent.jar");
      String name = agent.getFileName().toString();
      agents.put(agents.containsKey(name) ? agent.toString() : name, agent);
    }
    boolean sampleApp = module.equals("sample-app");
    Path target =
        LoadHarness.Options.file(
            null, (sampleApp ? "sample-app" : "test-apps/" + module) + "/target");
    Path listing =
        target.resolve(
            sampleApp
                ? "sample-app.jar"
                : module.equals("quarkus") ? "quarkus-app/quarkus-run.jar" : "classpath.txt");
    for (Path agent : agents.values()) {
      if (!Files.isRegularFile(agent) || !Files.isRegularFile(listing)) {
        System.err.println(
            "build first: ./mvnw -q install -DskipTests (missing "
                + agent
                + " or "
                + listing
                + ")");
        System.exit(2);
      }
    }
    List<String> application;
    String health;
    if (sampleApp) {
      // Jetty and HikariCP, no framework: what is left is the JVM's and the agent's own start.
      application = List.of("-jar", listing.toString(), "--host=127.0.0.1", "--port=0");
      health = "/api/owners/1";
    } else if (module.equals("quarkus")) {
      // Quarkus REST over Agroal, as its build packaged it; it reads DATABASE_URL.
      application = List.of("-jar", listing.toString());
      health = "/shop/probe/prepared";
    } else if (module.equals("micronaut")) {
      String classPath =
          target.resolve("classes")
              + File.pathSeparator
              + Files.readString(listing, StandardCharsets.UTF_8).trim();
      application = List.of("-cp", classPath, "dev.sqlorigin.apps.micronaut.MicronautApp");
      health = "/shop/probe/prepared";
    } else {
      application = AppUnderTest.springBootTestApp(target);
      health = AppUnderTest.SPRING_BOOT_TEST_APP_HEALTH;
    }
    Random random = new Random(seed);
    Map<String, List<long[]>> starts = new LinkedHashMap<>();
    // Per configuration, per round: the CPU milliseconds by kind of thread.
    Map<String, List<Map<String, Long>>> threadCpu = new LinkedHashMap<>();
    starts.put(WITHOUT, new ArrayList<>());
    agents.keySet().forEach(name -> starts.put(name, new ArrayList<>()));
    System.out.println("| round | configuration | wall ms | CPU ms | wall ratio | CPU ratio |");
    System.out.println("|---:|---|---:|---:|---:|---:|");
    try (LoadHarness.Database database = LoadHarness.Database.open(null)) {
      // One start to warm the file cache and create the schema; not counted.
      start(java, jvmOptions, application, health, database).close();
      for (int round = 1; round <= rounds; round++) {
        List<String> order = new ArrayList<>(starts.keySet());
        Collections.shuffle(order, random);
        Map<String, long[]> measured = new LinkedHashMap<>();
        for (String name : order) {
          Map<String, Long> byThread = new TreeMap<>();
          measured.put(
              name,
              startup(java, jvmOptions, agents.get(name), application, health, database, byThread));
          if (threads) {
            System.out.println(
                "<!-- threads, round " + round + ", " + name + ": " + byThread + " -->");
            threadCpu.computeIfAbsent(name, n -> new ArrayList<>()).add(byThread);
          }
        }
        long[] without = measured.get(WITHOUT);
        for (String name : starts.keySet()) {
          long[] with = measured.get(name);
          starts.get(name).add(with);
          System.out.printf(
              Locale.ROOT,
              "| %d | %s | %d | %d | %s | %s |%n",
              round,
              name,
              with[0],
              with[1],
              name.equals(WITHOUT)
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", ratio(with, without, 0)),
              name.equals(WITHOUT)
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", ratio(with, without, 1)));
        }
      }
    }
    System.out.printf(Locale.ROOT, "%n%s, %s, %d rounds, seed %d%n", module, java, rounds, seed);
    printAgainst(WITHOUT, agents.keySet(), starts);
    if (emptyAgent && agents.size() > 1) {
      printAgainst(EMPTY, agents.keySet(), starts);
    }
    if (threads) {
      printThreadCpu(threadCpu);
    }
  }

  /**
   * Per agent but {@code baseline}, the medians and ranges of its rounds' ratios and differences
   * against {@code baseline}'s start in the same round.
   */
  private static void printAgainst(
      String baseline, Set<String> agents, Map<String, List<long[]>> starts) {
    System.out.printf("%nper agent, against %s: median (range)%n%n", baseline);
    // The last column: the wall added over all rounds per millisecond of CPU added. On a machine
    // whose cores the start keeps busy it is about half (two cores), whichever thread adds the CPU,
    // so a goal for the wall is a budget for all the agent's CPU (docs/benchmarks.md, "Start-up,
    // nineteenth look").
    System.out.println(
        "| agent | wall ratio | wall difference (ms) | CPU ratio | CPU difference (ms)"
            + " | wall per CPU added |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    List<long[]> without = starts.get(baseline);
    for (String name : agents) {
      if (name.equals(baseline)) {
        continue;
      }
      List<long[]> with = starts.get(name);
      List<Double> wallRatios = new ArrayList<>();
      List<Double> cpuRatios = new ArrayList<>();
      List<Double> wallDifferences = new ArrayList<>();
      List<Double> cpuDifferences = new ArrayList<>();
      for (int i = 0; i < with.size(); i++) {
        wallRatios.add(ratio(with.get(i), without.get(i), 0));
        cpuRatios.add(ratio(with.get(i), without.get(i), 1));
        wallDifferences.add((double) (with.get(i)[0] - without.get(i)[0]));
        cpuDifferences.add((double) (with.get(i)[1] - without.get(i)[1]));
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s | %s | %s |%n",
          name,
          summary(wallRatios, "%.2f"),
          summary(wallDifferences, "%+.0f"),
          summary(cpuRatios, "%.2f"),
          summary(cpuDifferences, "%+.0f"),
          wallPerCpuAdded(wallDifferences, cpuDifferences));
    }
  }

  /**
   * The medians of the CPU milliseconds by kind of thread, per configuration; then, per agent, what
   * each kind of thread used more than without an agent, round by round.
   */
  private static void printThreadCpu(Map<String, List<Map<String, Long>>> threadCpu) {
    System.out.printf("%nCPU ms by thread at the first answer, median of the rounds%n%n");
    System.out.println("| configuration | thread | median (range) |");
    System.out.println("|---|---|---:|");
    threadCpu.forEach(
        (name, rounds) ->
            kinds(rounds)
                .forEach(
                    kind -> {
                      List<Double> values = new ArrayList<>();
                      rounds.forEach(
                          byKind -> {
                            if (byKind.containsKey(kind)) {
                              values.add((double) byKind.get(kind));
                            }
                          });
                      System.out.printf(
                          Locale.ROOT, "| %s | %s | %s |%n", name, kind, summary(values, "%.0f"));
                    }));
    List<Map<String, Long>> without = threadCpu.get(WITHOUT);
    System.out.printf(
        "%nCPU ms by thread added against no agent, round by round: median (range)%n%n");
    System.out.println("| agent | thread | added |");
    System.out.println("|---|---|---:|");
    threadCpu.forEach(
        (name, rounds) -> {
          if (name.equals(WITHOUT)) {
            return;
          }
          addedByKind(rounds, without)
              .forEach(
                  (kind, added) ->
                      System.out.printf(
                          Locale.ROOT, "| %s | %s | %s |%n", name, kind, summary(added, "%+.0f")));
        });
  }

  /**
   * The wall added over all rounds per millisecond of CPU added, from the rounds' differences
   * against the baseline; not given when the CPU added is within its own noise (its mean less than
   * twice its standard error, as for an agent that does nothing), where the ratio would be one
   * noise over another (an empty agent's came out -42).
   */
  static String wallPerCpuAdded(List<Double> wallDifferences, List<Double> cpuDifferences) {
    double wall = wallDifferences.stream().mapToDouble(Double::doubleValue).sum();
    double cpu = cpuDifferences.stream().mapToDouble(Double::doubleValue).sum();
    if (cpu <= 0) {
      return "no CPU added";
    }
    int rounds = cpuDifferences.size();
    if (rounds > 1) {
      double mean = cpu / rounds;
      double squares = 0;
      for (double difference : cpuDifferences) {
        squares += (difference - mean) * (difference - mean);
      }
      double standardError = Math.sqrt(squares / (rounds - 1) / rounds);
      if (mean < 2 * standardError) {
        return "CPU added within noise";
      }
    }
    return String.format(Locale.ROOT, "%.2f", wall / cpu);
  }

  /**
   * Per kind of thread, the milliseconds of CPU {@code with} used more than {@code without}, round
   * by round (the lists' same index); a kind one side did not have counts as 0 there.
   */
  static Map<String, List<Double>> addedByKind(
      List<Map<String, Long>> with, List<Map<String, Long>> without) {
    Set<String> kinds = kinds(with);
    kinds.addAll(kinds(without));
    Map<String, List<Double>> added = new TreeMap<>();
    for (String kind : kinds) {
      List<Double> rounds = new ArrayList<>();
      for (int i = 0; i < with.size(); i++) {
        rounds.add(
            (double) (with.get(i).getOrDefault(kind, 0L) - without.get(i).getOrDefault(kind, 0L)));
      }
      added.put(kind, rounds);
    }
    return added;
  }

  /** The kinds of thread seen in any of {@code rounds}, in order. */
  private static Set<String> kinds(List<Map<String, Long>> rounds) {
    Set<String> kinds = new TreeSet<>();
    rounds.forEach(byKind -> kinds.addAll(byKind.keySet()));
    return kinds;
  }

  private static double ratio(long[] with, long[] without, int index) {
    return (double) with[index] / without[index];
  }

  /** The median and the range of {@code values}. */
  static String summary(List<Double> values, String format) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return String.format(Locale.ROOT, format, sorted.get(sorted.size() / 2))
        + " ("
        + String.format(Locale.ROOT, format, sorted.get(0))
        + " .. "
        + String.format(Locale.ROOT, format, sorted.get(sorted.size() - 1))
        + ")";
  }

  /**
   * Wall milliseconds to the first answer, and the CPU milliseconds the JVM used by then; {@code
   * agent} null for none.
   */
  private static long[] startup(
      Path java,
      List<String> jvmOptions,
      Path agent,
      List<String> application,
      String health,
      LoadHarness.Database database,
      Map<String, Long> byThread)
      throws Exception {
    List<String> jvm = new ArrayList<>(jvmOptions);
    if (agent != null) {
      jvm.add("-javaagent:" + agent);
    }
    try (AppUnderTest app = start(java, jvm, application, health, database)) {
      long[] measured = {app.startupMillis(), app.cpuNanos() / 1_000_000};
      byThread.putAll(app.threadCpuMillis());
      return measured;
    }
  }

  private static AppUnderTest start(
      Path java,
      List<String> jvmOptions,
      List<String> application,
      String health,
      LoadHarness.Database database)
      throws Exception {
    return AppUnderTest.start(java, jvmOptions, application, health, database.appUrl());
  }
}
