package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.StatementCancel;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the JMX MBean and the OpenTelemetry metrics show: statements in flight now, and since start
 * the requests abandoned and the statements cancelled (by reason), and the cancels that failed (by
 * outcome). Counted here once; the readers observe them.
 */
public final class Counters {

  private static final AtomicInteger STATEMENTS_IN_FLIGHT = new AtomicInteger();
  private static final Map<AbandonReason, LongAdder> ABANDONED = byReason();
  private static final Map<AbandonReason, LongAdder> CANCELLED = byReason();
  private static final Map<CancelOutcome, LongAdder> CANCEL_FAILURES =
      new EnumMap<>(CancelOutcome.class);

  static {
    for (CancelOutcome outcome : CancelOutcome.values()) {
      if (outcome.failed()) {
        CANCEL_FAILURES.put(outcome, new LongAdder());
      }
    }
  }

  private Counters() {}

  static void statementStarted() {
    STATEMENTS_IN_FLIGHT.getAndIncrement();
  }

  static void statementEnded() {
    STATEMENTS_IN_FLIGHT.decrementAndGet();
  }

  static void abandoned(AbandonReason reason) {
    ABANDONED.get(reason).increment();
  }

  /** Counts the outcomes of an abandonment's cancels, once they are all known. */
  static void reported(Abandonment abandonment) {
    CANCELLED.get(abandonment.reason()).add(abandonment.cancelled());
    for (StatementCancel failure : abandonment.failures()) {
      CANCEL_FAILURES.get(failure.outcome()).increment();
    }
  }

  public static int statementsInFlight() {
    return STATEMENTS_IN_FLIGHT.get();
  }

  public static Map<AbandonReason, Long> abandonedByReason() {
    return sums(ABANDONED, AbandonReason.class);
  }

  /** Statements whose cancel stopped them, by the reason their request was abandoned. */
  public static Map<AbandonReason, Long> cancelledByReason() {
    return sums(CANCELLED, AbandonReason.class);
  }

  public static long statementsCancelled() {
    long total = 0;
    for (LongAdder adder : CANCELLED.values()) {
      total += adder.sum();
    }
    return total;
  }

  /** Cancels that did not stop their statement, by outcome ({@link CancelOutcome#failed()}). */
  public static Map<CancelOutcome, Long> cancelFailures() {
    return sums(CANCEL_FAILURES, CancelOutcome.class);
  }

  private static Map<AbandonReason, LongAdder> byReason() {
    Map<AbandonReason, LongAdder> counts = new EnumMap<>(AbandonReason.class);
    for (AbandonReason reason : AbandonReason.values()) {
      counts.put(reason, new LongAdder());
    }
    return counts;
  }

  private static <K extends Enum<K>> Map<K, Long> sums(Map<K, LongAdder> adders, Class<K> type) {
    Map<K, Long> counts = new EnumMap<>(type);
    adders.forEach((key, adder) -> counts.put(key, adder.sum()));
    return counts;
  }
}
