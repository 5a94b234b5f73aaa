package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * At JVM stop (SIGTERM from the platform), abandons every request being served, cancelling their
 * statements in parallel within a bounded time: PostgreSQL would otherwise go on running them after
 * the container is gone. It runs as the JVM starts its shutdown, so before a pool closed by the
 * application's own hook aborts its connections.
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
    List<RequestContext> requests = ActiveRequests.snapshot();
    if (requests.isEmpty()) {
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(16, requests.size()),
            runnable -> {
              Thread thread = new Thread(runnable, "sqlorigin-shutdown-cancel");
              thread.setDaemon(true);
              return thread;
            });
    for (RequestContext request : requests) {
      pool.execute(() -> request.abandon(AbandonReason.SHUTDOWN));
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(timeoutNanos, TimeUnit.NANOSECONDS)) {
        AgentLog.warn(
            "shutdown: cancelling "
                + requests.size()
                + " requests' statements took longer than "
                + timeoutNanos / 1_000_000
                + " ms; giving up on the rest");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
