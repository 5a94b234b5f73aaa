package dev.sqlorigin.bench;

import dev.sqlorigin.agent.control.ControlFile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The CPU the control-file watch costs while nothing changes: the watch thread's own CPU time over
 * a minute (or {@code --seconds=N}) of polling an unchanged file, against wall time.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.ControlFileIdleCpu --seconds=60
 * </pre>
 */
public final class ControlFileIdleCpu {

  private ControlFileIdleCpu() {}

  public static void main(String[] args) throws Exception {
    long seconds = 60;
    for (String arg : args) {
      if (arg.startsWith("--seconds=")) {
        seconds = Long.parseLong(arg.substring("--seconds=".length()));
      }
    }
    Path file = Files.createTempFile("sqlorigin-control-", ".properties");
    file.toFile().deleteOnExit();
    Files.writeString(file, "routes.blocked=POST /api/imports\nrequest.timeout=55s\n");
    ControlFile.start(file.toString(), settings -> "");
    Thread watch =
        Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().equals("sqlorigin-control-file"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no control-file thread"));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    // The first polls load the classes they use: measured from the second second on.
    Thread.sleep(1_000);
    long cpuBefore = threads.getThreadCpuTime(watch.getId());
    long wallBefore = System.nanoTime();
    Thread.sleep(seconds * 1_000);
    long cpu = threads.getThreadCpuTime(watch.getId()) - cpuBefore;
    long wall = System.nanoTime() - wallBefore;
    long polls = wall / 500_000_000L;
    System.out.printf(
        Locale.ROOT,
        "control-file watch, idle for %.1f s: %.2f ms of CPU, %.4f %% of one core, %.1f us per"
            + " poll (%d polls)%n",
        wall / 1e9,
        cpu / 1e6,
        100.0 * cpu / wall,
        cpu / 1e3 / polls,
        polls);
  }
}
