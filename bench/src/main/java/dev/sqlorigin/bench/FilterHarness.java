package dev.sqlorigin.bench;

import java.io.File;
import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's class-header filter, cold, compared between versions of the agent's classes: rounds
 * of one pass per version ({@code dev.sqlorigin.agent.ColdFilterPass}, each in a fresh JVM, in an
 * order shuffled per round) over every class of an application's jars, timed by the CPU of the
 * thread that ran the filter and of the whole process (the JIT compiling the filter), and by the
 * memory the filter keeps (its verdicts and the headers it has not judged yet). Each pass adds the
 * compiler directives the agent adds at start, when that version has them, so that the filter runs
 * in C1's code as at start, not in the C2 code a pass alone would give it. What a start pays for
 * the filter is tens of milliseconds, below the start-up harness's noise; a pass alone shows it.
 * Prints a Markdown row per pass and, per version, the medians and the round-by-round differences
 * against the first.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.FilterHarness [--rounds=15]
 *     [--module=spring-boot3|micronaut|sample-app] [--agent-classes=JAR]... [--java=PATH] [--seed=N]
 * </pre>
 *
 * <p>{@code --agent-classes} is the agent module's jar of unshaded classes of some commit ({@code
 * agent/target/sqlorigin-agent-<version>.jar}), put before this jar's own copy; none: that copy.
 */
public final class FilterHarness {

  private static final String OWN = "bench jar's";
  private static final Pattern LINE =
      Pattern.compile(
          "classes=(\\d+) matched=(\\d+) wall_us=(\\d+) thread_cpu_us=(\\d+)"
              + " process_cpu_us=(\\d+) kept_kib=(-?\\d+) directives=(\\w+)");

  // Whether a pass added the agent's compiler directives, by pass[6].
  private static final List<String> DIRECTIVES = List.of("none", "added", "refused");

  private FilterHarness() {}

  public static void main(String[] args) throws Exception {
    int rounds = 15;
    String module = "spring-boot3";
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    long seed = System.nanoTime();
    Map<String, String> versions = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(arg.substring("--rounds=".length()));
      } else if (arg.startsWith("--module=")) {
        module = arg.substring("--module=".length());
      } else if (arg.startsWith("--java=")) {
        java = Paths.get(arg.substring("--java=".length()));
      } else if (arg.startsWith("--agent-classes=")) {
        Path jar = Paths.get(arg.substring("--agent-classes=".length())).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
          System.err.println("no such jar: " + jar);
          System.exit(2);
        }
        versions.put(versions.containsKey(name(jar)) ? jar.toString() : name(jar), jar.toString());
      } else if (arg.startsWith("--seed=")) {
        seed = Long.parseLong(arg.substring("--seed=".length()));
      } else {
        System.err.println("unknown option " + arg);
        System.exit(2);
      }
    }
    if (versions.isEmpty()) {
      versions.put(OWN, null);
    }
    String classPath = applicationClassPath(module);
    String benchJar = System.getProperty("java.class.path");
    Random random = new Random(seed);
    Map<String, List<long[]>> passes = new LinkedHashMap<>();
    versions.keySet().forEach(name -> passes.put(name, new ArrayList<>()));
    System.out.println(
        "| round | agent classes | classes | matched | wall ms | thread CPU ms | process CPU ms"
            + " | kept KiB | C2 directives |");
    System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---|");
    for (int round = 1; round <= rounds; round++) {
      List<String> order = new ArrayList<>(versions.keySet());
      Collections.shuffle(order, random);
      for (String name : order) {
        String jar = versions.get(name);
        long[] pass =
            pass(java, jar == null ? benchJar : jar + File.pathSeparator + benchJar, classPath);
        passes.get(name).add(pass);
        System.out.printf(
            Locale.ROOT,
            "| %d | %s | %d | %d | %.1f | %.1f | %.1f | %d | %s |%n",
            round,
            name,
            pass[0],
            pass[1],
            pass[2] / 1000.0,
            pass[3] / 1000.0,
            pass[4] / 1000.0,
            pass[5],
            DIRECTIVES.get((int) pass[6]));
      }
    }
    System.out.printf(Locale.ROOT, "%n%s, %s, %d rounds, seed %d%n%n", module, java, rounds, seed);
    System.out.println(
        "| agent classes | thread CPU ms, median (range) | process CPU ms | wall ms | kept KiB"
            + " | thread CPU against the first, round by round |");
    System.out.println("|---|---:|---:|---:|---:|---|");
    List<long[]> first = passes.values().iterator().next();
    for (Map.Entry<String, List<long[]>> version : passes.entrySet()) {
      List<long[]> these = version.getValue();
      List<Double> differences = new ArrayList<>();
      int lower = 0;
      for (int i = 0; i < these.size(); i++) {
        long difference = these.get(i)[3] - first.get(i)[3];
        differences.add(difference / 1000.0);
        lower += difference < 0 ? 1 : 0;
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s | %s | %s |%n",
          version.getKey(),
          StartupHarness.summary(column(these, 3), "%.1f"),
          StartupHarness.summary(column(these, 4), "%.1f"),
          StartupHarness.summary(column(these, 2), "%.1f"),
          StartupHarness.summary(column(these, 5, 1), "%.0f"),
          these == first
              ? ""
              : StartupHarness.summary(differences, "%+.1f ms")
                  + ", lower in "
                  + lower
                  + " of "
                  + these.size());
    }
  }

  /** The jars an application's start loads its classes from. */
  private static String applicationClassPath(String module) throws IOException {
    if (module.equals("sample-app")) {
      return LoadHarness.Options.file(null, "sample-app/target/sample-app.jar").toString();
    }
    if (!module.equals("spring-boot3") && !module.equals("micronaut")) {
      System.err.println("unknown module " + module + ": spring-boot3, micronaut or sample-app");
      System.exit(2);
    }
    Path listing = LoadHarness.Options.file(null, "test-apps/" + module + "/target/classpath.txt");
    if (!Files.isRegularFile(listing)) {
      System.err.println("build first: ./mvnw -q install -DskipTests (missing " + listing + ")");
      System.exit(2);
    }
    return Files.readString(listing, StandardCharsets.UTF_8).trim();
  }

  /**
   * Classes, matched, the wall, thread CPU and process CPU microseconds, the KiB kept and whether
   * the agent's compiler directives were added ({@link #DIRECTIVES}) of one pass.
   */
  private static long[] pass(Path java, String classPath, String applicationClassPath)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                classPath,
                "dev.sqlorigin.agent.ColdFilterPass",
                applicationClassPath)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    Matcher line = LINE.matcher(output);
    if (exit != 0 || !line.find()) {
      throw new IllegalStateException("the pass failed (exit " + exit + "):\n" + output);
    }
    long[] pass = new long[7];
    for (int i = 0; i < 6; i++) {
      pass[i] = Long.parseLong(line.group(i + 1));
    }
    pass[6] = DIRECTIVES.indexOf(line.group(7));
    return pass;
  }

  private static List<Double> column(List<long[]> passes, int index) {
    return column(passes, index, 1000);
  }

  private static List<Double> column(List<long[]> passes, int index, double unit) {
    List<Double> column = new ArrayList<>();
    passes.forEach(pass -> column.add(pass[index] / unit));
    return column;
  }

  private static String name(Path jar) {
    return jar.getFileName().toString();
  }
}
