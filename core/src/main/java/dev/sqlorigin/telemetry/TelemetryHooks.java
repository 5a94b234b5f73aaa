package dev.sqlorigin.telemetry;

import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.log.AgentLog;

/**
 * The installed {@link Telemetry}, or none (the default): then every hook is one volatile read. A
 * fault in the telemetry is logged once and never reaches the application's request or statement.
 * What it hears of requests it hears as an observer of their lifecycle.
 */
public final class TelemetryHooks {

  private static volatile Telemetry telemetry;

  private TelemetryHooks() {}

  public static void install(Telemetry newTelemetry) {
    telemetry = newTelemetry;
    RequestLifecycle.observe(newTelemetry);
  }

  /** Whether anything listens: advice checks it before collecting what only telemetry needs. */
  public static boolean enabled() {
    return telemetry != null;
  }

  /** The traceparent for the next statement's comment, or null. */
  public static String nextStatementTraceparent(RequestContext context) {
    Telemetry current = telemetry;
    if (current != null) {
      try {
        return current.nextStatementTraceparent(context);
      } catch (Throwable t) {
        AgentLog.warnOnce("telemetry-traceparent", "could not choose a statement's traceparent", t);
      }
    }
    return null;
  }

  public static void statementPrepared(Object statement, String sql) {
    Telemetry current = telemetry;
    if (current != null && statement != null) {
      try {
        current.statementPrepared(statement, sql);
      } catch (Throwable t) {
        AgentLog.warnOnce("telemetry-prepare", "could not record a prepared statement's text", t);
      }
    }
  }
}
