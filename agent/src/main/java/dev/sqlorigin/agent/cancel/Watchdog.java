package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.ClientSocket;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches requests that have statements in flight: abandons them when their deadline passes, their
 * client's socket is in CLOSE_WAIT or their server reported the client gone, and keeps cancelling
 * an abandoned request's statements until they end (a cancel that arrives before the driver has
 * sent the query is ignored by it). Parks while no statement is in flight, so it costs nothing when
 * idle.
 */
public final class Watchdog implements Runnable {

  private final Config config;
  private final boolean disconnects;

  private Watchdog(Config config, boolean disconnects) {
    this.config = config;
    this.disconnects = disconnects;
  }

  /** Starts the watchdog thread; returns whether client-disconnect detection is available. */
  public static boolean start(Config config) {
    boolean disconnects = config.cancelOnDisconnect() && TcpTable.available();
    Thread thread = new Thread(new Watchdog(config, disconnects), "sqlorigin-watchdog");
    thread.setDaemon(true);
    ActiveRequests.installWatchdog(thread);
    thread.start();
    return disconnects;
  }

  @Override
  public void run() {
    long lastBusy = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      long now = System.nanoTime();
      if (ActiveRequests.statementsInFlight() == 0 && now - lastBusy > config.pollIntervalNanos()) {
        // Idle for a whole interval: sleep until a statement starts. Announce it before checking
        // again, so that a statement starting in between is sure to wake us.
        ActiveRequests.watchdogState(true, Long.MAX_VALUE);
        if (ActiveRequests.statementsInFlight() == 0) {
          LockSupport.park(this);
        }
        ActiveRequests.watchdogState(false, System.nanoTime());
        lastBusy = System.nanoTime();
        continue;
      }
      if (ActiveRequests.statementsInFlight() > 0) {
        lastBusy = now;
      }
      long wake;
      try {
        wake = tick(now);
      } catch (Throwable t) {
        AgentLog.warnOnce("watchdog", "the cancellation watchdog failed a round; it goes on", t);
        wake = now + config.pollIntervalNanos();
      }
      ActiveRequests.watchdogState(false, wake);
      LockSupport.parkNanos(this, Math.max(1_000_000L, wake - System.nanoTime()));
    }
  }

  /** One round; returns when the next one is due. */
  private long tick(long now) throws Exception {
    long next = now + config.pollIntervalNanos();
    List<RequestContext> suspects = new ArrayList<>();
    for (RequestContext context : ActiveRequests.snapshot()) {
      if (context.statementsInFlight().isEmpty()) {
        continue;
      }
      if (context.abandonment() != null) {
        context.cancelInFlight();
        continue;
      }
      if (context.isClientGone()) {
        context.abandon(AbandonReason.CLIENT_DISCONNECTED);
        continue;
      }
      long deadline = context.deadlineNanos();
      if (deadline != 0) {
        if (now - deadline >= 0) {
          context.abandon(AbandonReason.DEADLINE);
          continue;
        }
        next = Math.min(next, deadline);
      }
      if (disconnects
          && context.clientSocket() != null
          && context.oldestStatementStart(now) + config.disconnectCheckAfterNanos() - now <= 0) {
        suspects.add(context);
      }
    }
    if (!suspects.isEmpty()) {
      Set<Integer> wanted = new HashSet<>();
      for (RequestContext context : suspects) {
        wanted.add(key(context.clientSocket()));
      }
      Set<Integer> closed = TcpTable.closeWait(wanted);
      for (RequestContext context : suspects) {
        if (closed.contains(key(context.clientSocket()))) {
          context.abandon(AbandonReason.CLIENT_DISCONNECTED);
        }
      }
    }
    return next;
  }

  private static int key(ClientSocket socket) {
    return TcpTable.key(socket.localPort(), socket.remotePort());
  }
}
