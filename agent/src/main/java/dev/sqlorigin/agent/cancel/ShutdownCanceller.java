package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestRegistry;
import dev.sqlorigin.log.AgentLog;
import java.util.List;

/**
 * At JVM stop (SIGTERM from the platform), abandons every request being served and waits, within a
 * bounded time, until their cancels have an outcome: PostgreSQL would otherwise go on running their
 * statements after the container is gone. It runs as the JVM starts its shutdown, so before a pool
 * closed by the application's own hook aborts its connections. The cancels run on the cancel
 * threads, in parallel across databases; the watchdog, a daemon thread, still follows them up.
 */
public final class ShutdownCanceller implements Runnable {

  private final long timeoutNanos;

  private ShutdownCanceller(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  public static void install(long timeoutNanos) {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(new ShutdownCanceller(timeoutNanos), "sqlorigin-shutdown"));
  }

  @Override
  public void run() {
    List<RequestContext> requests = RequestRegistry.snapshot();
    if (requests.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    for (RequestContext request : requests) {
      RequestLifecycle.abandon(request, AbandonReason.SHUTDOWN);
    }
    int unreported = 0;
    try {
      for (RequestContext request : requests) {
        Abandonment abandonment = request.abandonment();
        if (abandonment != null
            && !abandonment.awaitReport(Math.max(0, deadline - System.nanoTime()))) {
          unreported++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (unreported > 0) {
      AgentLog.warn(
          "shutdown: the cancels of "
              + unreported
              + " of "
              + requests.size()
              + " requests had no outcome within "
              + timeoutNanos / 1_000_000
              + " ms; giving up on them");
    }
  }
}
