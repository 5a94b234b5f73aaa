package dev.sqlorigin.lifecycle;

import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the watchdog when a statement needs it: the watchdog parks while no statement is in flight,
 * and the first statement to start wakes it, so nothing polls when nothing runs. Under load it
 * keeps its own rhythm, woken early only by a statement whose deadline comes before its next round.
 */
public final class WatchdogAlarm {

  private static volatile Thread watchdog;
  private static volatile boolean asleep;
  private static volatile long nextRound;

  private WatchdogAlarm() {}

  /** The thread to unpark when statements start running. */
  public static void install(Thread thread) {
    watchdog = thread;
  }

  /**
   * Set by the watchdog: parked until woken ({@code sleeping}), or the {@link System#nanoTime()} of
   * its next round.
   */
  public static void watchdogState(boolean sleeping, long nextRoundNanos) {
    nextRound = nextRoundNanos;
    asleep = sleeping;
  }

  /** A statement of a request with {@code deadlineNanos} (0: none) was counted in. */
  static void statementStarted(long deadlineNanos) {
    Thread thread = watchdog;
    if (thread != null && (asleep || deadlineNanos != 0 && deadlineNanos - nextRound < 0)) {
      LockSupport.unpark(thread);
    }
  }
}
