package dev.sqlorigin.context;

/**
 * A request's thread waiting in {@code DataSource.getConnection}: in a pool's queue while the
 * database cannot be reached, or in a driver's connect. Registered beside the request's statements
 * in flight, so that the watchdog holds the wait to the request's deadline and client like a
 * statement; abandoning the request interrupts the waiting thread, once, and only while it still
 * waits: the monitor orders the interrupt before the end of the wait or not at all, so an interrupt
 * never reaches the application's own code after {@code getConnection} returned.
 */
public final class ConnectionWait {

  private final Thread thread;
  // An interrupt that was there before the wait is the application's: never cleared.
  private final boolean interruptedBefore;
  private boolean over;
  private boolean interrupted;

  ConnectionWait(Thread thread) {
    this.thread = thread;
    this.interruptedBefore = thread.isInterrupted();
  }

  /** Starts the wait of the calling thread. */
  public static ConnectionWait ofCurrentThread() {
    return new ConnectionWait(Thread.currentThread());
  }

  /** Interrupts the waiting thread, unless the wait is over or was interrupted already. */
  public synchronized void interrupt() {
    if (!over && !interrupted) {
      interrupted = true;
      thread.interrupt();
    }
  }

  /**
   * On the waiting thread: the wait is over, nothing interrupts it any more. Clears the interrupt
   * that {@link #interrupt} caused, and returns whether there was one.
   */
  public boolean end() {
    boolean ours;
    synchronized (this) {
      over = true;
      ours = interrupted;
    }
    if (ours && !interruptedBefore) {
      Thread.interrupted();
    }
    return ours;
  }

  @Override
  public String toString() {
    return "wait for a connection on " + thread.getName();
  }
}
