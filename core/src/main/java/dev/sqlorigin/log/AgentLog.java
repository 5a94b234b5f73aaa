package dev.sqlorigin.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's log, reachable from advice code. Core cannot depend on SLF4J (it sits on the
 * bootstrap class path), so the agent plugs its logger in through {@link Sink}; until then, and in
 * library use, messages go to standard error.
 */
public final class AgentLog {

  /** Where messages go; the agent installs one backed by its (shaded) SLF4J. */
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

  private static volatile Sink sink = STDERR;
  // Keys of problems already reported: a fault on the hot path must not log once per request.
  private static final Set<String> reported = ConcurrentHashMap.newKeySet();

  private AgentLog() {}

  public static void install(Sink newSink) {
    sink = newSink == null ? STDERR : newSink;
  }

  public static void info(String message) {
    sink.info(message);
  }

  public static void debug(String message) {
    sink.debug(message);
  }

  public static void warn(String message) {
    sink.warn(message, null);
  }

  /**
   * Logs {@code message} the first time {@code key} is seen, with the cause's first stack trace;
   * later occurrences only go to the debug level.
   */
  public static void warnOnce(String key, String message, Throwable cause) {
    if (reported.add(key)) {
      sink.warn(message + " (reported once; later occurrences at debug level)", cause);
    } else {
      sink.debug(message + (cause == null ? "" : ": " + cause));
    }
  }
}
