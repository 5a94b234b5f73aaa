package dev.sqlorigin.agent.cancel;

import java.util.List;
import java.util.Map;

/**
 * The operator's view, as {@code dev.sqlorigin:type=Requests} in JMX (jconsole, jcmd, JMX
 * exporters).
 */
public interface RequestsMXBean {

  /**
   * One line per request being served: route, request ID, age, statements in flight and the oldest
   * one's age.
   */
  List<String> getRequests();

  /**
   * Abandons the request with this ID and cancels its statements; returns how many requests
   * matched.
   */
  int cancelRequest(String requestId);

  /** Abandons every request of this route (e.g. {@code POST /api/imports}); returns how many. */
  int cancelRoute(String route);

  /** Abandoned requests since start, by reason. */
  Map<String, Long> getAbandonedByReason();

  /** Statements whose cancel stopped them, since start. */
  long getStatementsCancelled();

  /**
   * Cancels that did not stop their statement, since start: {@code failed} (the driver's cancel
   * threw) and {@code timed_out} (the statement still ran {@code sqlorigin.cancel.timeout} after
   * its cancel; its connection was then aborted).
   */
  Map<String, Long> getCancelFailures();

  int getStatementsInFlight();
}
