package dev.sqlorigin.control;

/**
 * What the route controls did to one request: the refusal it got, or the slots of concurrency caps
 * it holds (its servlet route's and one refined route's at most). Made only for a request that a
 * block or a cap applied to: with nothing configured, a request carries none.
 */
public final class Admission {

  private volatile Refusal refusal;
  // Guarded by this.
  private Limit first;
  private Limit second;

  public Refusal refusal() {
    return refusal;
  }

  public void refuse(Refusal why) {
    refusal = why;
  }

  /**
   * Whether the request may take a slot of {@code limit}: it holds none of it, and fewer than two
   * (a route refined again keeps the slot of its first template).
   */
  public synchronized boolean mayHold(Limit limit) {
    return first != limit && second != limit && second == null;
  }

  /** Records a slot taken ({@link #mayHold} said so), to give back at the request's end. */
  public synchronized void hold(Limit limit) {
    if (first == null) {
      first = limit;
    } else {
      second = limit;
    }
  }

  /** Gives back the slots held. */
  public synchronized void release() {
    if (first != null) {
      first.release();
      first = null;
    }
    if (second != null) {
      second.release();
      second = null;
    }
  }
}
