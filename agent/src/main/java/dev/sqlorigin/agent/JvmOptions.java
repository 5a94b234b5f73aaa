package dev.sqlorigin.agent;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The JVM's options and arguments as it was given them, which it tells no one (its input arguments
 * come with the management classes, too heavy to load at start): premain finds its own jar in them,
 * and the weaving whether classes may load from an archive. Compiled for Java 8 with the version
 * gate, which reads it; public, as the agent's other classes are in another loader's package of the
 * same name. With {@code java.io} alone: premain reads it, and {@code java.nio.file}'s first use
 * (its file system's classes) cost more than the rest.
 */
public final class JvmOptions {

  /** Where the JVM's command line is, on Linux. */
  public static final File COMMAND_LINE = new File("/proc/self/cmdline");

  // Where the JVM and its launcher read options from, besides the command line.
  private static final String[] VARIABLES = {
    "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"
  };

  private static final String JAVAAGENT = "-javaagent:";

  private JvmOptions() {}

  /**
   * The JVM's options and arguments as given: its command line, the variables it reads options
   * from, and the files those name (argument files, {@code -XX:Flags=}, {@code -XX:VMOptionsFile=})
   * as lines; null when one of them cannot be read.
   */
  public static List<String> read(Map<String, String> environment, File commandLine) {
    List<String> options = new ArrayList<>();
    try {
      for (String argument : new String(readAll(commandLine), StandardCharsets.UTF_8).split("\0")) {
        options.add(argument);
      }
      for (String variable : VARIABLES) {
        String value = environment.get(variable);
        if (value != null) {
          for (String option : value.trim().split("\\s+")) {
            options.add(option);
          }
        }
      }
      for (String option : new ArrayList<>(options)) {
        String file =
            option.startsWith("@")
                ? option.substring(1)
                : option.startsWith("-XX:Flags=")
                    ? option.substring("-XX:Flags=".length())
                    : option.startsWith("-XX:VMOptionsFile=")
                        ? option.substring("-XX:VMOptionsFile=".length())
                        : null;
        if (file != null) {
          options.addAll(lines(new File(file)));
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
    return options;
  }

  // Read to its end: /proc tells no size.
  private static byte[] readAll(File file) throws IOException {
    try (InputStream in = new FileInputStream(file)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        out.write(buffer, 0, read);
      }
      return out.toByteArray();
    }
  }

  private static List<String> lines(File file) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(new FileInputStream(file), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    }
    return lines;
  }

  /**
   * The jars that {@code -javaagent} options among {@code options} name, in order (a line of a file
   * may hold several options); without their own options, which follow the first {@code =}, as the
   * JVM reads them.
   */
  public static List<String> agentJars(List<String> options) {
    List<String> jars = new ArrayList<>();
    for (String option : options) {
      for (String word : option.trim().split("\\s+")) {
        if (word.startsWith(JAVAAGENT) && word.length() > JAVAAGENT.length()) {
          int equals = word.indexOf('=', JAVAAGENT.length());
          jars.add(word.substring(JAVAAGENT.length(), equals < 0 ? word.length() : equals));
        }
      }
    }
    return jars;
  }
}
