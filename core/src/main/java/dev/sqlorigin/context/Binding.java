package dev.sqlorigin.context;

/**
 * One thread's part in a request (or job): the request, and the nesting counters of that thread. A
 * request's context may be carried to other threads (executors, {@code CompletableFuture}, async
 * servlets); each of them gets a binding of its own, so that the counters are only ever touched by
 * the thread that owns the binding and need no synchronisation.
 */
public final class Binding {

  private final RequestContext context;
  private final Binding previous;
  // A pool proxy's execute and its driver's are one statement: only the outermost call registers.
  private int depth;
  // Inside rollback/close/setAutoCommit: drivers and pools commit from there, which must not fail.
  private int cleanupDepth;
  // Inside DataSource.getConnection: a pool may start its own housekeeping from there.
  private int connectDepth;

  Binding(RequestContext context, Binding previous) {
    this.context = context;
    this.previous = previous;
  }

  public RequestContext context() {
    return context;
  }

  /** What this thread was bound to before, restored when this binding ends; null if nothing. */
  Binding previous() {
    return previous;
  }

  /**
   * Counts this thread into a statement call; returns true for the outermost one, the call that
   * registers the statement (a pool proxy's {@code execute} and its driver's are one statement).
   */
  public boolean enterStatement() {
    return depth++ == 0;
  }

  /** Counts this thread out of a statement call; returns true when the outermost one ends. */
  public boolean exitStatement() {
    return --depth == 0;
  }

  /** Marks this thread as inside {@code rollback}, {@code close} or {@code setAutoCommit}. */
  public void enterCleanup() {
    cleanupDepth++;
  }

  public void exitCleanup() {
    cleanupDepth--;
  }

  public boolean inCleanup() {
    return cleanupDepth > 0;
  }

  /** Marks this thread as inside {@code DataSource.getConnection}. */
  public void enterConnect() {
    connectDepth++;
  }

  public void exitConnect() {
    connectDepth--;
  }

  /**
   * Whether this thread is inside a driver's or pool's own code (getting a connection, running a
   * statement, cleaning up). Tasks it submits from there are the pool's housekeeping (HikariCP
   * fills and drains its pool from {@code getConnection} and {@code close}), not the request's
   * work: they must not carry the request, or they would be tagged with it and refused once it is
   * abandoned.
   */
  boolean insideJdbc() {
    return depth > 0 || cleanupDepth > 0 || connectDepth > 0;
  }
}
