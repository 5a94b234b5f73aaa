package dev.sqlorigin.cli.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@code java -jar cli/target/sqlorigin.jar …}, as an operator runs it. */
public final class JarProcess {

  private JarProcess() {}

  public static Path jar() {
    Path jar = Paths.get(System.getProperty("sqlorigin.cli.jar", "target/sqlorigin.jar"));
    if (!Files.isRegularFile(jar)) {
      fail("the console jar is missing (" + jar + "): run `./mvnw verify`, which builds it first");
    }
    return jar.toAbsolutePath();
  }

  /** The command line that runs the jar with {@code args}. */
  public static List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Runs the jar to its end (60 s at most), with {@code environment} as its whole environment. */
  public static Console.Result run(Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command(args));
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    CompletableFuture<byte[]> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return process.getErrorStream().readAllBytes();
              } catch (IOException e) {
                return new byte[0];
              }
            });
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("the console did not end within 60 s: " + args[0]);
    }
    return new Console.Result(
        process.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err.join(), StandardCharsets.UTF_8));
  }
}
