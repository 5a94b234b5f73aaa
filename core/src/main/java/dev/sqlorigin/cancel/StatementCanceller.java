package dev.sqlorigin.cancel;

/**
 * Cancels one statement, or closes its connection. Core cannot see {@code java.sql} (it sits on the
 * bootstrap class path with java.base only), so the JDBC instrumentation provides the
 * implementation. Every method is called on a cancel thread, never on the watchdog's.
 */
public interface StatementCanceller {

  /**
   * The database {@code statement} runs on, as a name: the cancels of one database share its cap.
   */
  String database(Object statement) throws Exception;

  /** Cancels through the exact statement (never the connection: see the README). */
  void cancel(Object statement) throws Exception;

  /**
   * Closes the statement's connection at once, without a round trip to the server, so that the
   * thread blocked in it and the pool's slot come back. Called only while the statement runs (see
   * {@code RequestContext.whileInFlight}): the connection then serves this statement alone.
   */
  void abort(Object statement) throws Exception;

  /**
   * Whether {@code thrown}, what a statement ended with, says the server cancelled it (SQLState
   * 57014).
   */
  boolean wasCancelled(Throwable thrown);
}
