package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.StatementCancel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While the JVM stops: keeps the application's own shutdown from closing a connection before the
 * cancels of the statements it runs have been sent. The shutdown hooks run all at once, and a pool
 * closed by the application's hook (Spring's, Micronaut's, Quarkus's) aborts its connections under
 * their running statements: the cancel then finds its connection closed, and PostgreSQL, which
 * notices a gone client only when it next writes to it, goes on running the statement. A
 * connection's {@code close} or {@code abort} therefore waits, bounded by the shutdown timeout,
 * until every such cancel was handed to the driver (which sends it on a connection of its own). At
 * any other time, and on the agent's own threads, it does not wait at all.
 */
public final class ShutdownGate {

  // 0 until the JVM stops with requests being served: then when waiting stops, whatever happened.
  private static volatile long deadlineNanos;
  private static final CountDownLatch LISTED = new CountDownLatch(1);
  private static volatile List<StatementCancel> cancels = List.of();

  private ShutdownGate() {}

  /** The JVM stops, with requests being served: closes wait from now until {@code deadline}. */
  public static void closing(long deadline) {
    deadlineNanos = deadline == 0 ? 1 : deadline;
  }

  /** The cancels the stop asked for; once each was sent (or decided), closes go ahead. */
  public static void cancels(List<StatementCancel> asked) {
    cancels = List.copyOf(asked);
    LISTED.countDown();
  }

  /**
   * Called as a connection is closed or aborted: while the JVM stops, waits until the stop's
   * cancels were sent, or its timeout passed. Returns at once at any other time.
   */
  public static void beforeClosing() {
    long deadline = deadlineNanos;
    if (deadline == 0 || Thread.currentThread().getName().startsWith("sqlorigin-")) {
      return;
    }
    try {
      if (!LISTED.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return;
      }
      for (StatementCancel cancel : cancels) {
        if (!cancel.awaitSent(Math.max(0, deadline - System.nanoTime()))) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
