package dev.sqlorigin.telemetry;

import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.context.RequestContext;

/**
 * What sqlorigin reports to a tracing and metrics backend. core only calls it (through {@link
 * TelemetryHooks}); the agent implements it with its relocated OpenTelemetry SDK when export is
 * asked for. Implementations must be thread-safe and must not throw into the application ({@link
 * TelemetryHooks} also guards every call).
 */
public interface Telemetry {

  /**
   * A request began; returns a handle kept on the context ({@link RequestContext#telemetry()}).
   *
   * @param traceparent the incoming W3C {@code traceparent} header, or null
   * @param tracestate the incoming W3C {@code tracestate} header, or null
   */
  Object requestStarted(
      RequestContext context,
      String method,
      String path,
      String scheme,
      String traceparent,
      String tracestate);

  /** The request ended with {@code status} (0 when unknown), or by throwing {@code thrown}. */
  void requestEnded(RequestContext context, int status, Throwable thrown);

  /** The request was given up on; {@code cancelled} of its statements were cancelled. */
  void requestAbandoned(RequestContext context, AbandonReason reason, int cancelled);

  /**
   * The {@code traceparent} to write into the comment of a statement about to be sent for {@code
   * context}: it names the span that the statement's execution will have.
   */
  String nextStatementTraceparent(RequestContext context);

  /** {@code statement} was prepared from {@code sql} (as tagged), to be executed later. */
  void statementPrepared(Object statement, String sql);

  /**
   * {@code statement} starts running for {@code context}; {@code sql} is the text passed to {@code
   * execute*(String)}, or null when it was given at prepare time.
   */
  void statementStarted(RequestContext context, Object statement, String sql);

  /** What {@link #statementStarted} began has ended, normally or by {@code thrown}. */
  void statementEnded(RequestContext context, Object statement, Throwable thrown);
}
