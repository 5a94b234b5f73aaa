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
   * one's age, the PostgreSQL backend pids serving them (pgjdbc).
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

  /** Requests' threads waiting in {@code DataSource.getConnection} now. */
  int getConnectionWaits();

  /**
   * Blocks a route in this JVM ({@code POST /api/imports}, {@code GET /api/reports/*}): its new
   * requests are answered 503, the running ones abandoned. Returns what was done.
   */
  String blockRoute(String route);

  /**
   * Lifts a block in this JVM: one made by {@link #blockRoute}, or, for one from the control file
   * or the settings, an exception for this JVM alone. Returns what was done.
   */
  String unblockRoute(String route);

  /** The blocks in force, each with where it came from (settings, control file, JMX). */
  List<String> getBlockedRoutes();

  /** The concurrency caps in force: rule, requests holding a slot, where it came from. */
  List<String> getRouteLimits();

  /** Requests refused since start, by route: {@code <route> blocked=N limited=N}. */
  List<String> getRefusedRequests();
}
