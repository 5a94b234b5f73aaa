package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;

/**
 * Hears what happens to requests, after the lifecycle has done it (telemetry is one). Called on the
 * thread where it happened; must be thread-safe, quick, and must not throw (a fault is logged once
 * and the request goes on). Every method does nothing unless overridden.
 */
public interface RequestObserver {

  /** A request began, registered and not yet bound. */
  default void requestStarted(RequestContext context, RequestStart start) {}

  /**
   * The request has answered {@code status} (the source's status code, 0 when unknown) or thrown
   * {@code thrown}; called once.
   */
  default void requestEnded(RequestContext context, int status, Throwable thrown) {}

  /**
   * The request was abandoned and every cancel of its statements has an outcome ({@link
   * Abandonment#cancelled()}, {@link Abandonment#failures()}); called once. Usually before the
   * request ends, since its thread waits in the statement being cancelled.
   */
  default void requestAbandoned(RequestContext context, Abandonment abandonment) {}

  /**
   * {@code statement} starts running for {@code context}; {@code sql} is the text passed to {@code
   * execute*(String)}, or null when it was given at prepare time.
   */
  default void statementStarted(RequestContext context, Object statement, String sql) {}

  /**
   * What {@link #statementStarted} began has ended, normally or by {@code thrown}; {@code outcome}
   * is what became of its cancel when its request was abandoned meanwhile, else null.
   */
  default void statementEnded(
      RequestContext context, Object statement, Throwable thrown, CancelOutcome outcome) {}
}
