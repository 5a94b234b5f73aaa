package dev.sqlorigin.agent;

import dev.sqlorigin.log.AgentLog;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Writes {@link AgentLog} to standard error, a line a message: {@code 2026-12-01T00:12:31.069Z INFO
 * sqlorigin - message}, the time in UTC, a warning's cause's stack trace after it. Written here
 * rather than by a logging library: the agent's SLF4J simple logger cost 40 ms of premain, on the
 * application's main thread, mostly its date format's locale data; and an agent's log must never
 * meet the application's logging configuration anyway.
 */
final class AgentLogging {

  private AgentLogging() {}

  static void install(String level) {
    // AgentLog filters by level (the control file may change it while the JVM runs).
    AgentLog.level(level);
    AgentLog.install(
        new AgentLog.Sink() {
          @Override
          public void info(String message) {
            write("INFO", message, null);
          }

          @Override
          public void warn(String message, Throwable cause) {
            write("WARN", message, cause);
          }

          @Override
          public void debug(String message) {
            write("DEBUG", message, null);
          }
        });
  }

  private static void write(String level, String message, Throwable cause) {
    String line = timestamp(System.currentTimeMillis()) + " " + level + " sqlorigin - " + message;
    // Read at each line: the application may replace System.err.
    PrintStream err = System.err;
    // The line and its stack trace together, never interleaved with another thread's.
    synchronized (err) {
      err.println(line);
      if (cause != null) {
        cause.printStackTrace(err);
      }
    }
  }

  /** {@code millis} since the epoch as {@code 2026-12-01T00:12:31.069Z}. */
  static String timestamp(long millis) {
    LocalDateTime time =
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(millis, 1000L),
            (int) Math.floorMod(millis, 1000L) * 1_000_000,
            ZoneOffset.UTC);
    StringBuilder text = new StringBuilder(24);
    digits(text, time.getYear(), 4).append('-');
    digits(text, time.getMonthValue(), 2).append('-');
    digits(text, time.getDayOfMonth(), 2).append('T');
    digits(text, time.getHour(), 2).append(':');
    digits(text, time.getMinute(), 2).append(':');
    digits(text, time.getSecond(), 2).append('.');
    return digits(text, time.getNano() / 1_000_000, 3).append('Z').toString();
  }

  private static StringBuilder digits(StringBuilder text, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      text.append('0');
    }
    return text.append(digits);
  }
}
