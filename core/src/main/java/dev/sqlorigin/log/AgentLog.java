package dev.sqlorigin.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's log, reachable from advice code. Core sits on the bootstrap class path, so the agent
 * plugs its writer in through {@link Sink}; until then, and in library use, messages go to standard
 * error as they are.
 */
public final class AgentLog {

  /** Where messages go; the agent installs one that stamps each line with the time. */
  public interface Sink {
    void info(String message);

    void warn(String message, Throwable cause);

    void debug(String message);
  }

  private static final Sink STDERR =
      new Sink() {
        @Override
        public void info(String message) {
          System.err.println("[sqlorigin] INFO " + message);
        }

        @Override
        public void warn(String message, Throwable cause) {
          System.err.println("[sqlorigin] WARN " + message + (cause == null ? "" : ": " + cause));
        }

        @Override
        public void debug(String message) {}
      };

  private static final int WARN = 1;
  private static final int INFO = 2;
  private static final int DEBUG = 3;

  private static volatile Sink sink = STDERR;
  // Filtered here rather than in the sink, so that the control file can change it while the JVM
  // runs.
  private static volatile int level = INFO;
  // Keys of problems already reported: a fault on the hot path must not log once per request.
  private static final Set<String> reported = ConcurrentHashMap.newKeySet();

  private AgentLog() {}

  public static void install(Sink newSink) {
    sink = newSink == null ? STDERR : newSink;
  }

  /** {@code error}, {@code warn}, {@code info} or {@code debug} (validated by the settings). */
  public static void level(String name) {
    level =
        "debug".equals(name)
            ? DEBUG
            : "info".equals(name) ? INFO : "warn".equals(name) ? WARN : WARN - 1;
  }

  public static boolean debugEnabled() {
    return level >= DEBUG;
  }

  public static void info(String message) {
    if (level >= INFO) {
      sink.info(message);
    }
  }

  public static void debug(String message) {
    if (level >= DEBUG) {
      sink.debug(message);
    }
  }

  public static void warn(String message) {
    if (level >= WARN) {
      sink.warn(message, null);
    }
  }

  /**
   * Logs {@code message} the first time {@code key} is seen, with the cause's first stack trace;
   * later occurrences only go to the debug level.
   */
  public static void warnOnce(String key, String message, Throwable cause) {
    if (reported.add(key)) {
      if (level >= WARN) {
        sink.warn(message + " (reported once; later occurrences at debug level)", cause);
      }
    } else if (level >= DEBUG) {
      sink.debug(message + (cause == null ? "" : ": " + cause));
    }
  }
}
