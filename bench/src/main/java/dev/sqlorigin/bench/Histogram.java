package dev.sqlorigin.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The live objects of the agent's own classes in an application's heap, from {@code jcmd
 * GC.class_histogram} (which collects garbage first): their count and shallow size. The strings and
 * maps they hold are the JDK's classes and not counted.
 */
final class Histogram {

  private Histogram() {}

  /**
   * {count, bytes} of the live instances of {@code dev.sqlorigin.*} classes, relocated ones aside,
   * in {@code pid}.
   */
  static long[] agentObjects(Path javaHome, long pid) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder(
                javaHome.resolve("bin/jcmd").toString(), Long.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (jcmd.waitFor() != 0) {
      throw new IOException("jcmd failed: " + output);
    }
    long count = 0;
    long bytes = 0;
    for (String line : output.split("\n")) {
      // "   1:         12345        678900  java.lang.String (java.base@25)"
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4
          && fields[3].startsWith("dev.sqlorigin.")
          && !fields[3].startsWith("dev.sqlorigin.shaded.")) {
        count += Long.parseLong(fields[1]);
        bytes += Long.parseLong(fields[2]);
      }
    }
    return new long[] {count, bytes};
  }
}
