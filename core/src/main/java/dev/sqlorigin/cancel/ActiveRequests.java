package dev.sqlorigin.cancel;

import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Every request being served, for the watchdog, the shutdown hook and the operator; and the
 * counters of what was abandoned. The watchdog parks while no statement is in flight, and the first
 * statement to start wakes it: nothing polls when nothing runs.
 */
public final class ActiveRequests {

  private static final Set<RequestContext> REQUESTS = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger STATEMENTS_IN_FLIGHT = new AtomicInteger();
  private static final Map<AbandonReason, LongAdder> ABANDONED = new EnumMap<>(AbandonReason.class);
  private static final Map<AbandonReason, LongAdder> CANCELLED = new EnumMap<>(AbandonReason.class);
  private static volatile StatementCanceller canceller;
  private static volatile Thread watchdog;
  private static volatile boolean watchdogAsleep;
  private static volatile long watchdogNextRound;

  static {
    for (AbandonReason reason : AbandonReason.values()) {
      ABANDONED.put(reason, new LongAdder());
      CANCELLED.put(reason, new LongAdder());
    }
  }

  private ActiveRequests() {}

  public static void installCanceller(StatementCanceller newCanceller) {
    canceller = newCanceller;
  }

  /** The thread to unpark when statements start running. */
  public static void installWatchdog(Thread thread) {
    watchdog = thread;
  }

  public static void started(RequestContext context) {
    REQUESTS.add(context);
  }

  public static void ended(RequestContext context) {
    REQUESTS.remove(context);
  }

  /** A snapshot of the requests being served. */
  public static List<RequestContext> snapshot() {
    return new ArrayList<>(REQUESTS);
  }

  public static int statementsInFlight() {
    return STATEMENTS_IN_FLIGHT.get();
  }

  /**
   * Counts a statement in; wakes the watchdog only when it sleeps for good (nothing was in flight
   * for a whole poll interval), or when this statement's deadline comes before its next round:
   * under load it keeps its own rhythm instead of waking for every request.
   */
  public static void statementStarted(long deadlineNanos) {
    STATEMENTS_IN_FLIGHT.getAndIncrement();
    Thread thread = watchdog;
    if (thread != null
        && (watchdogAsleep || deadlineNanos != 0 && deadlineNanos - watchdogNextRound < 0)) {
      LockSupport.unpark(thread);
    }
  }

  /** Wakes the watchdog for a round now (a server reported a client gone). */
  public static void wakeWatchdog() {
    Thread thread = watchdog;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Set by the watchdog: parked until woken, or the {@link System#nanoTime()} of its next round.
   */
  public static void watchdogState(boolean asleep, long nextRoundNanos) {
    watchdogNextRound = nextRoundNanos;
    watchdogAsleep = asleep;
  }

  public static void statementEnded() {
    STATEMENTS_IN_FLIGHT.decrementAndGet();
  }

  public static void countAbandoned(AbandonReason reason, int statementsCancelled) {
    ABANDONED.get(reason).increment();
    CANCELLED.get(reason).add(statementsCancelled);
  }

  public static Map<AbandonReason, Long> abandonedByReason() {
    Map<AbandonReason, Long> counts = new EnumMap<>(AbandonReason.class);
    ABANDONED.forEach((reason, adder) -> counts.put(reason, adder.sum()));
    return counts;
  }

  /** Statements cancelled because their request was abandoned, by the reason it was. */
  public static Map<AbandonReason, Long> cancelledByReason() {
    Map<AbandonReason, Long> counts = new EnumMap<>(AbandonReason.class);
    CANCELLED.forEach((reason, adder) -> counts.put(reason, adder.sum()));
    return counts;
  }

  public static long statementsCancelled() {
    long total = 0;
    for (LongAdder adder : CANCELLED.values()) {
      total += adder.sum();
    }
    return total;
  }

  /** Cancels through the exact statement; returns whether a cancel was sent without error. */
  public static boolean cancel(Object statement) {
    StatementCanceller current = canceller;
    if (current == null) {
      return false;
    }
    try {
      current.cancel(statement);
      return true;
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "cancel:" + statement.getClass().getName(),
          "could not cancel a statement of " + statement.getClass().getName(),
          t);
      return false;
    }
  }
}
