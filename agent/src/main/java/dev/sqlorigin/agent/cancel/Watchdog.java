package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.ClientSocket;
import dev.sqlorigin.context.RequestContext;
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

/**
 * Watches requests that have statements in flight: abandons them when their deadline passes or
 * their client's socket is in CLOSE_WAIT, and keeps cancelling an abandoned request's statements
 * until they end (a cancel that arrives before the driver has sent the query is ignored by it).
 * Parks while no statement is in flight, so it costs nothing when idle.
 */
public final class Watchdog implements Runnable {

  // Reading the TCP tables costs the kernel a walk of every socket of the host's network namespace
  // (tens of milliseconds on a busy host), and during an incident many statements are past the
  // check threshold at once: after a read that cost t of this thread's CPU, the next waits 100 t,
  // so that the check never takes more than 1 % of a core.
  private static final int READ_COST_SHARE = 100;

  private final Config config;
  private final TcpTable tcpTable;
  // Off when the tables are missing at start, or once a read fails.
  private boolean disconnects;
  // When the tables may be read again (System.nanoTime()), and how the cost of a read is measured.
  private long nextTableRead;
  private ThreadMXBean cpuTimes;
  private boolean cpuTimesChecked;

  private Watchdog(Config config, TcpTable tcpTable, boolean disconnects) {
    this.config = config;
    this.tcpTable = tcpTable;
    this.disconnects = disconnects;
  }

  /** Starts the watchdog thread; returns whether client-disconnect detection is available. */
  public static boolean start(Config config) {
    TcpTable tcpTable = new TcpTable(Paths.get(config.tcpTables()));
    boolean disconnects = config.cancelOnDisconnect() && tcpTable.available();
    Thread thread = new Thread(new Watchdog(config, tcpTable, disconnects), "sqlorigin-watchdog");
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
    if (!suspects.isEmpty() && now - nextTableRead >= 0) {
      // One read for every suspect of the round.
      Set<Integer> wanted = new HashSet<>();
      for (RequestContext context : suspects) {
        wanted.add(key(context.clientSocket()));
      }
      long began = threadTime();
      Set<Integer> closed;
      try {
        closed = tcpTable.closeWait(wanted);
      } catch (IOException e) {
        disconnects = false;
        AgentLog.warn(
            "client-disconnect detection off: cannot read the TCP tables in "
                + tcpTable.directory()
                + " ("
                + e
                + "); deadlines and the other signals still work");
        return next;
      }
      nextTableRead = now + (threadTime() - began) * READ_COST_SHARE;
      for (RequestContext context : suspects) {
        if (closed.contains(key(context.clientSocket()))) {
          context.abandon(AbandonReason.CLIENT_DISCONNECTED);
        }
      }
    }
    return next;
  }

  /**
   * This thread's CPU time in nanoseconds; its elapsed time where the JVM does not measure threads'
   * CPU time (which only makes the check back off more).
   */
  private long threadTime() {
    if (!cpuTimesChecked) {
      cpuTimesChecked = true;
      try {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        cpuTimes = threads.isCurrentThreadCpuTimeSupported() ? threads : null;
      } catch (LinkageError | RuntimeException e) {
        // A runtime without java.management: elapsed time it is.
      }
    }
    return cpuTimes != null ? cpuTimes.getCurrentThreadCpuTime() : System.nanoTime();
  }

  private static int key(ClientSocket socket) {
    return TcpTable.key(socket.localPort(), socket.remotePort());
  }
}
