package dev.sqlorigin.cli.support;

import dev.sqlorigin.cli.Main;
import dev.sqlorigin.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Runs the console in this JVM, as a person would from a shell, and keeps what it printed. */
public final class Console {

  /** What one run printed, and how it ended. */
  public record Result(int exitCode, String out, String err) {
    public List<String> lines() {
      return out.lines().toList();
    }

    /**
     * Writes what it printed to {@code target/console/<name>.txt}, for a person to read (and the
     * README's examples to be taken from).
     */
    public Result saveAs(String name) {
      try {
        java.nio.file.Path dir = java.nio.file.Paths.get("target", "console");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve(name + ".txt"), out + err);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return this;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Console() {}

  /** Runs {@code command} against the test database, then {@code options}. */
  public static Result against(String command, String... options) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.add(TestDatabase.get().jdbcUrlWithCredentials());
    args.addAll(Arrays.asList(options));
    return run(Map.of(), args.toArray(new String[0]));
  }

  public static Result run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err)) {
      code = Main.run(args, environment, o, e, StandardCharsets.UTF_8);
    }
    return new Result(code, out.toString(), err.toString());
  }
}
