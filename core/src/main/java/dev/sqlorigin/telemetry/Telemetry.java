package dev.sqlorigin.telemetry;

import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestObserver;

/**
 * What sqlorigin reports to a tracing and metrics backend: it observes the request lifecycle (spans
 * per request and statement, see {@link RequestObserver}), and answers the JDBC advice's two
 * questions of its own. The agent implements it with its relocated OpenTelemetry SDK when export is
 * asked for. Implementations must be thread-safe and must not throw into the application.
 */
public interface Telemetry extends RequestObserver {

  /**
   * The {@code traceparent} to write into the comment of a statement about to be sent for {@code
   * context}: it names the span that the statement's execution will have.
   */
  String nextStatementTraceparent(RequestContext context);

  /** {@code statement} was prepared from {@code sql} (as tagged), to be executed later. */
  void statementPrepared(Object statement, String sql);
}
