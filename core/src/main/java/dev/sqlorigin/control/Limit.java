package dev.sqlorigin.control;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slots of one concurrency cap, shared by every route its pattern covers. Kept across changes
 * of the rules (a new limit applies to the requests already holding a slot), so that a reload never
 * lets a second batch in beside the running one.
 */
public final class Limit {

  private final RoutePattern pattern;
  private final AtomicInteger running = new AtomicInteger();
  private volatile int max;
  // Threads waiting in acquire (with a queue timeout); release only takes the monitor when some
  // do.
  private volatile int waiters;

  Limit(RoutePattern pattern, int max) {
    this.pattern = pattern;
    this.max = max;
  }

  public RoutePattern pattern() {
    return pattern;
  }

  public int max() {
    return max;
  }

  public int running() {
    return running.get();
  }

  void max(int newMax) {
    int old = max;
    max = newMax;
    if (newMax > old && waiters > 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * Takes a slot, waiting up to {@code timeoutNanos} (0: not at all) for one to free; returns
   * whether it got one. An interrupted wait gives up (and keeps the interrupt).
   */
  public boolean acquire(long timeoutNanos) {
    if (tryAcquire()) {
      return true;
    }
    if (timeoutNanos <= 0) {
      return false;
    }
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (this) {
      waiters++;
      try {
        while (!tryAcquire()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } finally {
        waiters--;
      }
    }
  }

  private boolean tryAcquire() {
    while (true) {
      int now = running.get();
      if (now >= max) {
        return false;
      }
      if (running.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot that {@link #acquire} gave. */
  public void release() {
    running.decrementAndGet();
    // A waiter holds the monitor from its count to its wait: taking it here cannot miss one.
    if (waiters > 0) {
      synchronized (this) {
        notify();
      }
    }
  }

  @Override
  public String toString() {
    return pattern + "=" + max;
  }
}
