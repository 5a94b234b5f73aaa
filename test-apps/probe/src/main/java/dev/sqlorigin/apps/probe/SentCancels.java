package dev.sqlorigin.apps.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * When each cancel request left this JVM, read from pgjdbc's own log: the driver logs {@code FE=>
 * CancelRequest} at FINEST just before it sends one, and only for a statement still running. Only
 * that class's logger is turned up, so nothing else of the driver logs. Under Quarkus (JBoss
 * LogManager) the records reach this handler in some runs and in others none do, the logger's level
 * and handlers in place all the same: cause not found; the stress says when it saw none.
 */
final class SentCancels extends Handler {

  private static final String LOGGER = "org.postgresql.core.QueryExecutorBase";
  // Held: a logger nobody references may be collected, and its level with it.
  private static Logger logger;
  private static SentCancels installed;

  private final List<Long> sentMicros = new ArrayList<>();

  static synchronized void install() {
    if (installed == null) {
      installed = new SentCancels();
      logger = Logger.getLogger(LOGGER);
    }
    logger.setLevel(Level.FINEST);
    if (!Arrays.asList(logger.getHandlers()).contains(installed)) {
      logger.addHandler(installed);
    }
  }

  /** The epoch microseconds of every cancel request sent so far; empty if not installed. */
  static synchronized List<Long> sent() {
    if (installed == null) {
      return List.of();
    }
    synchronized (installed) {
      return new ArrayList<>(installed.sentMicros);
    }
  }

  @Override
  public synchronized void publish(LogRecord record) {
    String message = record.getMessage();
    if (message != null && message.contains("FE=> CancelRequest")) {
      sentMicros.add(Probe.micros(record.getInstant()));
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
