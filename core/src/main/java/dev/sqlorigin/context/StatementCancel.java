package dev.sqlorigin.context;

/**
 * The cancel of one statement that was in flight when its request was abandoned: when it was first
 * asked for, whether a cancel (or an abort) is under way, and, once known, its outcome. The outcome
 * is decided once, by whoever learns it first: the statement's own thread as it ends, the cancel's
 * thread when the driver's cancel throws, or the watchdog when the cancel times out.
 */
public final class StatementCancel {

  private final Object statement;
  private final Abandonment abandonment;
  private volatile long requestedNanos;
  private boolean busy;
  private boolean aborting;
  private volatile CancelOutcome outcome;
  private volatile String detail;

  StatementCancel(Object statement, Abandonment abandonment) {
    this.statement = statement;
    this.abandonment = abandonment;
  }

  public Object statement() {
    return statement;
  }

  /** The {@link System#nanoTime()} the cancel was first asked for, or 0 before that. */
  public long requestedNanos() {
    return requestedNanos;
  }

  /** Records when the cancel was first asked for; later calls (re-sends) keep the first time. */
  public void requested(long nowNanos) {
    if (requestedNanos == 0) {
      requestedNanos = nowNanos == 0 ? 1 : nowNanos;
    }
  }

  /** Claims the statement for one cancel at a time; false if one is under way. */
  public synchronized boolean claim() {
    if (busy) {
      return false;
    }
    busy = true;
    return true;
  }

  /** The cancel that {@link #claim} let through has returned (or will not be sent). */
  public synchronized void release() {
    busy = false;
  }

  /** Whether a cancel is queued or being sent. */
  public synchronized boolean busy() {
    return busy;
  }

  /** Claims the statement's connection for its abort, once. */
  public synchronized boolean claimAbort() {
    if (aborting) {
      return false;
    }
    aborting = true;
    return true;
  }

  /** The outcome, or null while it is not known. */
  public CancelOutcome outcome() {
    return outcome;
  }

  /** Why it failed or timed out (for the log line and the span), or null. */
  public String detail() {
    return detail;
  }

  /**
   * Decides the outcome, unless it was decided already; the abandonment reports when every one of
   * its statements has one. Returns whether this call decided it.
   */
  public boolean decide(CancelOutcome decided, String why) {
    synchronized (this) {
      if (outcome != null) {
        return false;
      }
      detail = why;
      outcome = decided;
    }
    abandonment.decided();
    return true;
  }
}
