package dev.sqlorigin.context;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The record of a request given up on: why, how old it was then, and the cancels of the statements
 * it had in flight at that moment. It is reported (logged, counted, observed) once every one of
 * those cancels has an outcome: what the log line says is what happened, not what was attempted.
 */
public final class Abandonment {

  private final AbandonReason reason;
  private final long ageNanos;
  private final String message;
  private final Map<Object, StatementCancel> cancels;
  // One more than the undecided cancels until armed: nothing is reported before the abandoning
  // thread has finished setting the cancels off.
  private final AtomicInteger pending;
  private final Consumer<Abandonment> report;
  private final CountDownLatch reported = new CountDownLatch(1);

  Abandonment(
      AbandonReason reason,
      long ageNanos,
      String requestId,
      String route,
      Collection<Object> inFlight,
      Consumer<Abandonment> report) {
    this.reason = reason;
    this.ageNanos = ageNanos;
    this.message =
        String.format(
            Locale.ROOT,
            "sqlorigin: request %s (%s) abandoned: %s after %.1f s",
            requestId,
            route,
            reason.description(),
            ageNanos / 1e9);
    Map<Object, StatementCancel> byStatement = new IdentityHashMap<>();
    for (Object statement : inFlight) {
      byStatement.put(statement, new StatementCancel(statement, this));
    }
    this.cancels = Collections.unmodifiableMap(byStatement);
    this.pending = new AtomicInteger(byStatement.size() + 1);
    this.report = report;
  }

  public AbandonReason reason() {
    return reason;
  }

  public long ageNanos() {
    return ageNanos;
  }

  /** What the application's later JDBC calls throw, with SQLState 57014. */
  public String message() {
    return message;
  }

  /** The cancels of the statements that were in flight when the request was abandoned. */
  public Collection<StatementCancel> cancels() {
    return cancels.values();
  }

  /** The cancel of {@code statement}, or null when it was not in flight at the abandonment. */
  public StatementCancel cancelOf(Object statement) {
    return cancels.get(statement);
  }

  /** The abandoning thread has set every cancel off: the report may go once they are decided. */
  public void armed() {
    decided();
  }

  void decided() {
    if (pending.decrementAndGet() == 0) {
      try {
        report.accept(this);
      } finally {
        reported.countDown();
      }
    }
  }

  /** Whether every cancel has an outcome and the abandonment was reported. */
  public boolean reported() {
    return reported.getCount() == 0;
  }

  /** Waits up to {@code nanos} for the report; returns whether it was made. */
  public boolean awaitReport(long nanos) throws InterruptedException {
    return reported.await(nanos, TimeUnit.NANOSECONDS);
  }

  /** How many statements the cancels stopped. */
  public int cancelled() {
    int cancelled = 0;
    for (StatementCancel cancel : cancels.values()) {
      if (cancel.outcome() == CancelOutcome.CANCELLED) {
        cancelled++;
      }
    }
    return cancelled;
  }

  /** The cancels that failed or timed out. */
  public List<StatementCancel> failures() {
    List<StatementCancel> failures = new ArrayList<>();
    for (StatementCancel cancel : cancels.values()) {
      if (cancel.outcome() != null && cancel.outcome().failed()) {
        failures.add(cancel);
      }
    }
    return failures;
  }

  /**
   * The log line: {@code request 3f2a (POST /api/imports) abandoned: deadline passed after 2.0 s;
   * cancelled 1 statement}, and each cancel that failed, with why.
   */
  public String summary() {
    int cancelled = cancelled();
    StringBuilder line =
        new StringBuilder(message.substring("sqlorigin: ".length()))
            .append("; cancelled ")
            .append(cancelled)
            .append(cancelled == 1 ? " statement" : " statements");
    for (StatementCancel failure : failures()) {
      line.append("; cancel failed: ").append(failure.detail());
    }
    return line.toString();
  }
}
