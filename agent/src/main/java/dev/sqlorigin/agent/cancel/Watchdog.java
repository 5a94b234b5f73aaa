package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.cancel.Cancels;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.ClientSocket;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.Counters;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestRegistry;
import dev.sqlorigin.lifecycle.WatchdogAlarm;
import dev.sqlorigin.log.AgentLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Watches requests that have statements in flight: abandons them when their deadline passes or
 * their client's socket is in CLOSE_WAIT, and follows up the cancels of abandoned ones (sends again
 * a cancel that a driver ignored, times out one that did not stop its statement). It never waits
 * for a cancel: those run on cancel threads ({@link Cancels}), so one that hangs delays nobody
 * else's detection. Parks while no statement is in flight, so it costs nothing when idle.
 */
public final class Watchdog implements Runnable {

  /** Which of the wanted sockets ({@link TcpTable#key} keys) the peer has closed. */
  interface ClosedSockets {
    Set<Integer> closeWait(Set<Integer> wanted) throws IOException;
  }

  private final long pollNanos;
  private final long checkAfterNanos;
  // Null when disconnect detection is off or unavailable.
  private final ClosedSockets closedSockets;
  private final LongSupplier clock;

  Watchdog(Config config, ClosedSockets closedSockets, LongSupplier clock) {
    this.pollNanos = config.pollInterval().toNanos();
    this.checkAfterNanos = config.disconnectCheckAfter().toNanos();
    this.closedSockets = closedSockets;
    this.clock = clock;
  }

  /** Starts the watchdog thread; returns whether client-disconnect detection is available. */
  public static boolean start(Config config) {
    boolean disconnects = config.cancelOnDisconnect() && TcpTable.available();
    Watchdog watchdog =
        new Watchdog(config, disconnects ? TcpTable::closeWait : null, System::nanoTime);
    Thread thread = new Thread(watchdog, "sqlorigin-watchdog");
    thread.setDaemon(true);
    WatchdogAlarm.install(thread);
    thread.start();
    return disconnects;
  }

  @Override
  public void run() {
    long lastBusy = clock.getAsLong();
    while (!Thread.currentThread().isInterrupted()) {
      long now = clock.getAsLong();
      if (Counters.statementsInFlight() == 0 && now - lastBusy > pollNanos) {
        // Idle for a whole interval: sleep until a statement starts. Announce it before checking
        // again, so that a statement starting in between is sure to wake us.
        WatchdogAlarm.watchdogState(true, Long.MAX_VALUE);
        if (Counters.statementsInFlight() == 0) {
          LockSupport.park(this);
        }
        WatchdogAlarm.watchdogState(false, clock.getAsLong());
        lastBusy = clock.getAsLong();
        continue;
      }
      if (Counters.statementsInFlight() > 0) {
        lastBusy = now;
      }
      long wake;
      try {
        wake = round(now);
      } catch (Throwable t) {
        AgentLog.warnOnce("watchdog", "the cancellation watchdog failed a round; it goes on", t);
        wake = now + pollNanos;
      }
      WatchdogAlarm.watchdogState(false, wake);
      LockSupport.parkNanos(this, Math.max(1_000_000L, wake - clock.getAsLong()));
    }
  }

  /**
   * One round at {@code now} ({@link System#nanoTime()}): abandons what is due, follows up the
   * cancels under way; returns when the next round is due.
   */
  long round(long now) throws IOException {
    long next = now + pollNanos;
    List<RequestContext> suspects = new ArrayList<>();
    for (RequestContext context : RequestRegistry.snapshot()) {
      if (context.statementsInFlight().isEmpty()) {
        continue;
      }
      if (context.abandonment() != null) {
        next = Math.min(next, Cancels.followUp(context, now));
        continue;
      }
      if (context.deadlinePassed(now)) {
        RequestLifecycle.abandon(context, context.deadlineReason(), now);
        next = Math.min(next, Cancels.followUp(context, now));
        continue;
      }
      if (context.deadlineNanos() != 0 && !context.ended()) {
        next = Math.min(next, context.deadlineNanos());
      }
      if (closedSockets != null
          && context.clientSocket() != null
          && context.oldestStatementStart(now) + checkAfterNanos - now <= 0) {
        suspects.add(context);
      }
    }
    if (!suspects.isEmpty()) {
      Set<Integer> wanted = new HashSet<>();
      for (RequestContext context : suspects) {
        wanted.add(key(context.clientSocket()));
      }
      Set<Integer> closed = closedSockets.closeWait(wanted);
      for (RequestContext context : suspects) {
        if (closed.contains(key(context.clientSocket()))) {
          RequestLifecycle.abandon(context, AbandonReason.CLIENT_DISCONNECTED, now);
        }
      }
    }
    return next;
  }

  private static int key(ClientSocket socket) {
    return TcpTable.key(socket.localPort(), socket.remotePort());
  }
}
