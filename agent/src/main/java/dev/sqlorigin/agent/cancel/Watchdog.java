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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Paths;
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

  // Reading the TCP tables costs the kernel a walk of every socket of the host's network namespace
  // (tens of milliseconds on a busy host), and during an incident many statements are past the
  // check threshold at once: after a read that cost t of this thread's CPU, the next waits 100 t,
  // so that the check never takes more than 1 % of a core.
  private static final int READ_COST_SHARE = 100;

  private final long pollNanos;
  private final long checkAfterNanos;
  // Null when disconnect detection is off or unavailable, and once the tables cannot be read.
  private ClosedSockets closedSockets;
  private final LongSupplier clock;
  // This thread's CPU time, to measure what a read of the tables cost.
  private final LongSupplier cpuClock;
  // When the tables may be read again, once they have been read.
  private boolean tablesRead;
  private long nextTableRead;
  // Null when the long-statement watch is off.
  private final SlowStatements slowStatements;

  Watchdog(
      Config config,
      ClosedSockets closedSockets,
      LongSupplier clock,
      SlowStatements slowStatements) {
    this(config, closedSockets, clock, threadCpuClock(), slowStatements);
  }

  Watchdog(
      Config config,
      ClosedSockets closedSockets,
      LongSupplier clock,
      LongSupplier cpuClock,
      SlowStatements slowStatements) {
    this.pollNanos = config.pollInterval().toNanos();
    this.checkAfterNanos = config.disconnectCheckAfter().toNanos();
    this.closedSockets = closedSockets;
    this.clock = clock;
    this.cpuClock = cpuClock;
    this.slowStatements = slowStatements;
  }

  /**
   * Whether the watchdog can detect that a request's client went away: the setting asks for it, and
   * a TCP table of the kernel's can be read.
   */
  public static boolean detectsDisconnects(Config config) {
    return config.cancelOnDisconnect() && new TcpTable(Paths.get(config.tcpTables())).available();
  }

  /**
   * Starts the watchdog thread, which checks the requests' clients when {@code disconnects} (as
   * {@link #detectsDisconnects} answered).
   */
  public static void start(Config config, boolean disconnects) {
    TcpTable tcpTable = new TcpTable(Paths.get(config.tcpTables()));
    SlowStatements slow = null;
    if (!config.slowThreshold().isZero()) {
      slow = new SlowStatements(config.slowThreshold());
      RequestLifecycle.observe(slow);
    }
    Watchdog watchdog =
        new Watchdog(config, disconnects ? tcpTable::closeWait : null, System::nanoTime, slow);
    Thread thread = new Thread(watchdog, "sqlorigin-watchdog");
    thread.setDaemon(true);
    WatchdogAlarm.install(thread);
    thread.start();
  }

  @Override
  public void run() {
    long lastBusy = clock.getAsLong();
    while (!Thread.currentThread().isInterrupted()) {
      long now = clock.getAsLong();
      if (!watching() && now - lastBusy > pollNanos) {
        // Idle for a whole interval: sleep until a statement starts. Announce it before checking
        // again, so that a statement starting in between is sure to wake us.
        WatchdogAlarm.watchdogState(true, Long.MAX_VALUE);
        if (!watching()) {
          LockSupport.park(this);
        }
        WatchdogAlarm.watchdogState(false, clock.getAsLong());
        lastBusy = clock.getAsLong();
        continue;
      }
      if (watching()) {
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
      if (slowStatements != null) {
        slowStatements.check(context, now);
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
          && (!tablesRead || now - nextTableRead >= 0)
          && context.clientSocket() != null
          && context.oldestStatementStart(now) + checkAfterNanos - now <= 0) {
        suspects.add(context);
      }
    }
    if (!suspects.isEmpty()) {
      // One read for every suspect of the round.
      Set<Integer> wanted = new HashSet<>();
      for (RequestContext context : suspects) {
        wanted.add(key(context.clientSocket()));
      }
      long began = cpuClock.getAsLong();
      Set<Integer> closed;
      try {
        closed = closedSockets.closeWait(wanted);
      } catch (IOException e) {
        closedSockets = null;
        AgentLog.warn(
            "client-disconnect detection off: cannot read the TCP tables ("
                + e
                + "); deadlines and the other signals still work");
        return next;
      }
      tablesRead = true;
      nextTableRead = now + (cpuClock.getAsLong() - began) * READ_COST_SHARE;
      for (RequestContext context : suspects) {
        if (closed.contains(key(context.clientSocket()))) {
          RequestLifecycle.abandon(context, AbandonReason.CLIENT_DISCONNECTED, now);
        }
      }
    }
    return next;
  }

  /** Whether a statement is in flight, or a request's thread waits for a connection. */
  private static boolean watching() {
    return Counters.statementsInFlight() > 0 || Counters.connectionWaits() > 0;
  }

  /**
   * The calling thread's CPU time in nanoseconds; its elapsed time where the JVM does not measure
   * threads' CPU time (which only makes the check back off more). Resolved at the first read, on
   * the watchdog's thread: not on the application's start-up path.
   */
  private static LongSupplier threadCpuClock() {
    return new LongSupplier() {
      private LongSupplier resolved;

      @Override
      public long getAsLong() {
        if (resolved == null) {
          resolved = System::nanoTime;
          try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            if (threads.isCurrentThreadCpuTimeSupported()) {
              resolved = threads::getCurrentThreadCpuTime;
            }
          } catch (LinkageError | RuntimeException e) {
            // A runtime without java.management.
          }
        }
        return resolved.getAsLong();
      }
    };
  }

  private static int key(ClientSocket socket) {
    return TcpTable.key(socket.localPort(), socket.remotePort());
  }
}
