package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.StatementCancel;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestRegistry;
import dev.sqlorigin.lifecycle.ShutdownGate;
import dev.sqlorigin.log.AgentLog;
import java.util.ArrayList;
import java.util.List;

/**
 * At JVM stop (SIGTERM from the platform), abandons every request being served and waits, within a
 * bounded time, until their cancels have an outcome: PostgreSQL would otherwise go on running their
 * statements after the container is gone. The application's own hooks run at the same time: a pool
 * they close waits for the cancels to be sent first ({@link ShutdownGate}). The cancels run on the
 * cancel threads; the watchdog, a daemon thread, still follows them up.
 */
public final class ShutdownCanceller implements Runnable {

  private final long timeoutNanos;

  private ShutdownCanceller(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /**
   * Adds the hook; nothing when the JVM is stopping already (a short-lived JVM, a tool that the
   * fleet's JAVA_TOOL_OPTIONS attach the agent to, can end while the agent is still installing):
   * requests wait for that installation, of which this hook is part, so there are none to cancel
   * unless they stopped waiting (10 s), which the log has said already.
   */
  public static void install(long timeoutNanos) {
    try {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(new ShutdownCanceller(timeoutNanos), "sqlorigin-shutdown"));
    } catch (IllegalStateException stopping) {
      // Runtime's "Shutdown in progress"
    }
  }

  @Override
  public void run() {
    List<RequestContext> requests = RequestRegistry.snapshot();
    if (requests.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    // Armed before the first cancel is asked for: the application's hooks run at the same time.
    ShutdownGate.closing(deadline);
    List<StatementCancel> cancels = new ArrayList<>();
    for (RequestContext request : requests) {
      RequestLifecycle.abandon(request, AbandonReason.SHUTDOWN);
      Abandonment abandonment = request.abandonment();
      if (abandonment != null) {
        cancels.addAll(abandonment.cancels());
      }
    }
    ShutdownGate.cancels(cancels);
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
