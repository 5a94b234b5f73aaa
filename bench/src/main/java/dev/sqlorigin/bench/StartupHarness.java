package dev.sqlorigin.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What the agent adds to the start-up of a Spring Boot application (test-apps/spring-boot3: Tomcat,
 * Hibernate, Spring Data JPA, HikariCP): rounds of one start without the agent and one with it, in
 * an order shuffled per round, each timed from launching the JVM to the first 200 of a request that
 * reaches the database, and by the CPU time its JVM used until then (which, on a machine shared
 * with other work, varies less than the wall time). Prints a Markdown table and the medians of the
 * per-round ratios.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.StartupHarness [--rounds=10]
 *     [--module=spring-boot3] [--agent-jar=PATH] [--java=PATH] [--jvm-opts='-Xmx512m'] [--seed=N]
 * </pre>
 */
public final class StartupHarness {

  private StartupHarness() {}

  public static void main(String[] args) throws Exception {
    int rounds = 10;
    String module = "spring-boot3";
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    long seed = System.nanoTime();
    String agentJar = null;
    List<String> jvmOptions = new ArrayList<>(List.of("-Xmx512m"));
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
        agentJar = arg.substring("--agent-jar=".length());
      } else if (arg.startsWith("--seed=")) {
        seed = Long.parseLong(arg.substring("--seed=".length()));
      } else {
        System.err.println("unknown option " + arg);
        System.exit(2);
      }
    }
    Path agent = LoadHarness.Options.file(agentJar, "agent/target/sqlorigin-agent.jar");
    Path target = LoadHarness.Options.file(null, "test-apps/" + module + "/target");
    Path listing = target.resolve("classpath.txt");
    if (!Files.isRegularFile(agent) || !Files.isRegularFile(listing)) {
      System.err.println(
          "build first: ./mvnw -q install -DskipTests (missing " + agent + " or " + listing + ")");
      System.exit(2);
    }
    List<String> application = AppUnderTest.springBootTestApp(target);
    Random random = new Random(seed);
    List<Double> ratios = new ArrayList<>();
    List<Double> cpuRatios = new ArrayList<>();
    List<Long> differences = new ArrayList<>();
    System.out.println(
        "| round | without agent: wall ms | CPU ms | with agent: wall ms | CPU ms | wall ratio | CPU ratio |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
    try (LoadHarness.Database database = LoadHarness.Database.open(null)) {
      // One start to warm the file cache and create the schema; not counted.
      start(java, jvmOptions, application, database).close();
      for (int round = 1; round <= rounds; round++) {
        boolean agentFirst = random.nextBoolean();
        long[] first = startup(java, jvmOptions, agentFirst ? agent : null, application, database);
        long[] second = startup(java, jvmOptions, agentFirst ? null : agent, application, database);
        long[] without = agentFirst ? second : first;
        long[] with = agentFirst ? first : second;
        ratios.add((double) with[0] / without[0]);
        cpuRatios.add((double) with[1] / without[1]);
        differences.add(with[0] - without[0]);
        System.out.printf(
            "| %d | %d | %d | %d | %d | %.2f | %.2f |%n",
            round,
            without[0],
            without[1],
            with[0],
            with[1],
            (double) with[0] / without[0],
            (double) with[1] / without[1]);
      }
    }
    Collections.sort(ratios);
    Collections.sort(cpuRatios);
    Collections.sort(differences);
    System.out.printf(
        "%nmedian wall ratio %.2f (range %.2f-%.2f), median wall difference %d ms, median CPU ratio"
            + " %.2f (range %.2f-%.2f); %s, %d rounds, seed %d%n",
        ratios.get(ratios.size() / 2),
        ratios.get(0),
        ratios.get(ratios.size() - 1),
        differences.get(differences.size() / 2),
        cpuRatios.get(cpuRatios.size() / 2),
        cpuRatios.get(0),
        cpuRatios.get(cpuRatios.size() - 1),
        module,
        rounds,
        seed);
  }

  /** Wall milliseconds to the first answer, and the CPU milliseconds the JVM used by then. */
  private static long[] startup(
      Path java,
      List<String> jvmOptions,
      Path agent,
      List<String> application,
      LoadHarness.Database database)
      throws Exception {
    List<String> jvm = new ArrayList<>(jvmOptions);
    if (agent != null) {
      jvm.add("-javaagent:" + agent);
    }
    try (AppUnderTest app = start(java, jvm, application, database)) {
      return new long[] {app.startupMillis(), app.cpuNanos() / 1_000_000};
    }
  }

  private static AppUnderTest start(
      Path java, List<String> jvmOptions, List<String> application, LoadHarness.Database database)
      throws Exception {
    return AppUnderTest.start(
        java, jvmOptions, application, AppUnderTest.SPRING_BOOT_TEST_APP_HEALTH, database.appUrl());
  }
}
