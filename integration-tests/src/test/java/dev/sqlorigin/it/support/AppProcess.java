package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An application under test in its own JVM, with the real shaded agent jar as {@code -javaagent}
 * (or without it). Its output is kept, and written to {@code target/app-logs} for post-mortems.
 */
public final class AppProcess implements AutoCloseable {

  // "listening on port N" (the test applications), "listening on http://host:N" (the sample
  // app), "Listening on: http://host:N" (Quarkus).
  private static final Pattern LISTENING =
      Pattern.compile("[Ll]istening on:? (?:port |http://[^:]+:)(\\d+)");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final CompletableFuture<Void> outputRead = new CompletableFuture<>();
  private final Path log;

  private AppProcess(List<String> command, Map<String, String> environment, String name)
      throws IOException {
    Path logs = Paths.get("target", "app-logs");
    Files.createDirectories(logs);
    log = logs.resolve(name + "-" + System.nanoTime() + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    process = builder.start();
    Thread reader = new Thread(this::pump, "app-output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  public static Builder main(Class<?> mainClass) {
    return new Builder(mainClass.getName(), null);
  }

  public static Builder jar(Path jar) {
    return new Builder(null, jar);
  }

  /**
   * An application of {@code test-apps/<module>} (a framework's own class path, not this JVM's):
   * its classes and the runtime class path its build wrote to {@code target/classpath.txt}.
   */
  public static Builder testApp(String module, String mainClass) {
    Path target =
        Paths.get(System.getProperty("sqlorigin.test.apps", "../test-apps"), module, "target");
    Path listing =
        existing(target.resolve("classpath.txt"), "the class path of test-apps/" + module);
    try {
      String dependencies = Files.readString(listing, StandardCharsets.UTF_8).trim();
      Builder builder = new Builder(mainClass, null);
      builder.fixedClassPath =
          target.resolve("classes").toAbsolutePath() + File.pathSeparator + dependencies;
      return builder;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A Quarkus application of {@code test-apps/<module>}, as its build packaged it: {@code
   * target/quarkus-app/quarkus-run.jar}, run in Quarkus's own class loaders.
   */
  public static Builder quarkusApp(String module) {
    return jar(
        existing(
            Paths.get(
                System.getProperty("sqlorigin.test.apps", "../test-apps"),
                module,
                "target",
                "quarkus-app",
                "quarkus-run.jar"),
            "the Quarkus application of test-apps/" + module));
  }

  /**
   * The probe application (test-apps/probe's endpoints under {@code /shop}) on the newest servlet
   * container the applications' JDK runs: Jetty 12 with {@code jakarta.servlet} (ee10, HTTP/1.1 and
   * h2c) from Java 17, Jetty 10 with {@code javax.servlet} below. Tests that need only those
   * endpoints start it, so that they can run on every JDK the agent supports.
   */
  public static Builder probeApp() {
    return applicationJdk() >= 17
        ? main(dev.sqlorigin.it.apps.JakartaApp.class)
        : testApp("jetty10", "dev.sqlorigin.apps.jetty10.Jetty10App");
  }

  /**
   * The feature version of the JDK the applications run on ({@code sqlorigin.it.java.home}, else
   * this JVM's): CI runs them on 11, 17 and 25.
   */
  public static int applicationJdk() {
    Path release = Paths.get(javaHome(), "release");
    try {
      Matcher version =
          Pattern.compile("JAVA_VERSION=\"(?:1\\.)?(\\d+)")
              .matcher(Files.readString(release, StandardCharsets.UTF_8));
      if (!version.find()) {
        fail("no JAVA_VERSION in " + release);
      }
      return Integer.parseInt(version.group(1));
    } catch (IOException e) {
      return fail("cannot read the version of the applications' JDK from " + release + ": " + e);
    }
  }

  /** The JDK the applications run on. */
  public static String javaHome() {
    return System.getProperty("sqlorigin.it.java.home", System.getProperty("java.home"));
  }

  public static Path agentJar() {
    return existing("sqlorigin.agent.jar", "the shaded agent jar");
  }

  public static Path sampleAppJar() {
    return existing("sqlorigin.sample.jar", "the sample application jar");
  }

  /** The OpenTelemetry Java agent, for the coexistence test. */
  public static Path openTelemetryJavaAgentJar() {
    return existing("sqlorigin.otel.javaagent", "the OpenTelemetry Java agent jar");
  }

  static Path existing(String property, String what) {
    String value = System.getProperty(property);
    return existing(value == null ? null : Paths.get(value), what + " (" + property + ")");
  }

  private static Path existing(Path file, String what) {
    if (file == null || !Files.isRegularFile(file)) {
      fail(
          what
              + " is missing ("
              + file
              + "): run the tests with `./mvnw verify`, "
              + "which builds it before this module");
    }
    return file;
  }

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        output.append(line).append('\n');
        Files.writeString(
            log,
            line + "\n",
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
        Matcher matcher = LISTENING.matcher(line);
        if (!port.isDone() && matcher.find()) {
          port.complete(Integer.parseInt(matcher.group(1)));
        }
      }
    } catch (IOException e) {
      output.append("[output lost: ").append(e).append("]\n");
    } finally {
      port.complete(-1);
      outputRead.complete(null);
    }
  }

  private AppProcess awaitListening() {
    try {
      int found = port.get(120, TimeUnit.SECONDS);
      if (found < 0) {
        fail("the application exited before listening:\n" + output);
      }
    } catch (Exception e) {
      process.destroyForcibly();
      fail("the application did not start listening within 120 s: " + e + "\n" + output);
    }
    return this;
  }

  public int port() {
    return port.join();
  }

  public String output() {
    return output.toString();
  }

  public Process process() {
    return process;
  }

  /**
   * Waits (10 s at most) until the application has printed {@code fragment}: the agent reports an
   * abandonment once every cancel of it has an outcome, a moment after the statement has ended.
   */
  public void awaitOutput(String fragment) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!output().contains(fragment)) {
      if (System.nanoTime() > deadline) {
        fail("the application did not print \"" + fragment + "\" within 10 s:\n" + output());
      }
      Thread.sleep(10); // poll interval of the awaited condition
    }
  }

  /** What {@code jcmd <pid> <command>} prints about this application, from the JDK it runs on. */
  public String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Paths.get(javaHome(), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      fail("this JDK has no jcmd: " + jcmd);
    }
    Process tool =
        new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!tool.waitFor(60, TimeUnit.SECONDS)) {
      fail("jcmd " + command + " did not end: " + out);
    }
    if (tool.exitValue() != 0) {
      fail("jcmd " + command + " exited with " + tool.exitValue() + ": " + out);
    }
    return out;
  }

  /** Lines the agent logged (its logger is named {@code sqlorigin}). */
  public List<String> agentLines() {
    return output()
        .lines()
        .filter(line -> line.contains(" sqlorigin - ") || line.startsWith("[sqlorigin]"))
        .collect(Collectors.toList());
  }

  /**
   * Waits (30 s at most) for the agent to log a line containing {@code fragment}, and returns it.
   */
  public String awaitAgentLine(String fragment) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      for (String line : agentLines()) {
        if (line.contains(fragment)) {
          return line;
        }
      }
      if (System.nanoTime() > deadline) {
        fail("the agent logged no line with \"" + fragment + "\" within 30 s:\n" + output());
      }
      Thread.sleep(10); // poll interval of the awaited condition
    }
  }

  /**
   * Sends SIGTERM and waits (30 s at most, then kills) for the JVM to exit, and for what it said
   * while stopping; returns its exit code. Through the process handle: {@code Process.destroy()}
   * also closes the output pipe at once, and the application's last lines would be lost.
   */
  public int stop() {
    process.toHandle().destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
      outputRead.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      output.append("[output not read to its end: ").append(e).append("]\n");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop();
    }
  }

  /** How to start one. */
  public static final class Builder {
    private final String mainClass;
    private final Path jar;
    private boolean agent = true;
    private Path agentJar;
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> arguments = new ArrayList<>();
    private String replacedEntry;
    private Path replacement;
    private String fixedClassPath;
    private final List<Path> addedEntries = new ArrayList<>();

    private Builder(String mainClass, Path jar) {
      this.mainClass = mainClass;
      this.jar = jar;
    }

    public Builder withoutAgent() {
      agent = false;
      return this;
    }

    /** Attaches {@code jar} instead of the shaded agent jar the build made. */
    public Builder agentJar(Path jar) {
      agentJar = jar;
      return this;
    }

    public Builder property(String key, String value) {
      systemProperties.put(key, value);
      return this;
    }

    public Builder env(String key, String value) {
      environment.put(key, value);
      return this;
    }

    public Builder args(String... values) {
      arguments.addAll(List.of(values));
      return this;
    }

    /** Adds a directory or jar at the end of the application's class path. */
    public Builder classPathEntry(Path entry) {
      addedEntries.add(entry);
      return this;
    }

    /** Swaps the class-path entry whose file name contains {@code nameContains} for another jar. */
    public Builder replaceClassPathEntry(String nameContains, Path jarFile) {
      replacedEntry = nameContains;
      replacement = jarFile;
      return this;
    }

    public AppProcess start() throws IOException {
      List<String> command = new ArrayList<>();
      command.add(Paths.get(javaHome(), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-XX:TieredStopAtLevel=1");
      if (agent) {
        command.add(
            "-javaagent:" + (agentJar != null ? agentJar : AppProcess.agentJar()).toAbsolutePath());
      }
      systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
      if (jar != null) {
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
      } else {
        command.add("-cp");
        command.add(classPath());
        command.add(mainClass);
      }
      command.addAll(arguments);
      String name =
          jar != null
              ? jar.getFileName().toString()
              : mainClass.substring(mainClass.lastIndexOf('.') + 1);
      return new AppProcess(command, environment, name).awaitListening();
    }

    /**
     * This JVM's class path minus what the application must not see: our own modules (the agent
     * brings its relocated copy; an unrelocated one would shadow it) and the test framework. The
     * API stays, as do the test applications' own classes (test-apps/probe): applications ship
     * them.
     */
    private String classPath() {
      List<String> entries = new ArrayList<>();
      for (Path added : addedEntries) {
        entries.add(added.toAbsolutePath().toString());
      }
      String added = String.join(File.pathSeparator, entries);
      entries.clear();
      if (fixedClassPath != null) {
        for (String entry : fixedClassPath.split(File.pathSeparator)) {
          entries.add(replaced(entry));
        }
        if (!added.isEmpty()) {
          entries.add(added);
        }
        return String.join(File.pathSeparator, entries);
      }
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        String name = Paths.get(entry).getFileName().toString();
        boolean ours =
            name.startsWith("sqlorigin-")
                    && !name.startsWith("sqlorigin-api")
                    && !name.startsWith("sqlorigin-test-app-")
                || entry.matches(
                    ".*/(core|agent|instrumentation-[a-z]+|testing|sample-app)/target/classes");
        if (ours || name.startsWith("junit-") || name.startsWith("surefire")) {
          continue;
        }
        entries.add(replaced(entry));
      }
      if (!added.isEmpty()) {
        entries.add(added);
      }
      return String.join(File.pathSeparator, entries);
    }

    private String replaced(String entry) {
      String name = Paths.get(entry).getFileName().toString();
      return replacedEntry != null && name.contains(replacedEntry) ? replacement.toString() : entry;
    }
  }
}
