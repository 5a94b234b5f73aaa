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
  private static final LongAdder CANCELLED = new LongAdder();
  private static volatile StatementCanceller canceller;
  private static volatile Thread watchdog;

  static {
    for (AbandonReason reason : AbandonReason.values()) {
      ABANDONED.put(reason, new LongAdder());
    }
  }

  private ActiveRequests() {
  }

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

  public static void statementStarted() {
    if (STATEMENTS_IN_FLIGHT.getAndIncrement() == 0) {
      Thread thread = watchdog;
      if (thread != null) {
        LockSupport.unpark(thread);
      }
    }
  }

  public static void statementEnded() {
    STATEMENTS_IN_FLIGHT.decrementAndGet();
  }

  public static void countAbandoned(AbandonReason reason, int statementsCancelled) {
    ABANDONED.get(reason).increment();
    CANCELLED.add(statementsCancelled);
  }

  public static Map<AbandonReason, Long> abandonedByReason() {
    Map<AbandonReason, Long> counts = new EnumMap<>(AbandonReason.class);
    ABANDONED.forEach((reason, adder) -> counts.put(reason, adder.sum()));
    return counts;
  }

  public static long statementsCancelled() {
    return CANCELLED.sum();
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
      AgentLog.warnOnce("cancel:" + statement.getClass().getName(),
          "could not cancel a statement of " + statement.getClass().getName(), t);
      return false;
    }
  }
}
