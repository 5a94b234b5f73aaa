package dev.sqlorigin.telemetry;

import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;

/**
 * The installed {@link Telemetry}, or none (the default): then every hook is one volatile read. A
 * fault in the telemetry is logged once and never reaches the application's request or statement.
 */
public final class TelemetryHooks {

  private static volatile Telemetry telemetry;

  private TelemetryHooks() {}

  public static void install(Telemetry newTelemetry) {
    telemetry = newTelemetry;
  }

  /** Whether anything listens: advice checks it before collecting what only telemetry needs. */
  public static boolean enabled() {
    return telemetry != null;
  }

  public static void requestStarted(
      RequestContext context,
      String method,
      String path,
      String scheme,
      String traceparent,
      String tracestate) {
    Telemetry current = telemetry;
    if (current != null && context != null) {
      try {
        context.telemetry(
            current.requestStarted(context, method, path, scheme, traceparent, tracestate));
      } catch (Throwable t) {
        AgentLog.warnOnce("telemetry-request", "could not trace a request", t);
      }
    }
  }

  public static void requestEnded(RequestContext context, int status, Throwable thrown) {
    Telemetry current = telemetry;
    if (current != null) {
      try {
        current.requestEnded(context, status, thrown);
      } catch (Throwable t) {
        AgentLog.warnOnce("telemetry-request-end", "could not end a request's span", t);
      }
    }
  }

  public static void requestAbandoned(RequestContext context, AbandonReason reason, int cancelled) {
    Telemetry current = telemetry;
    if (current != null) {
      try {
        current.requestAbandoned(context, reason, cancelled);
      } catch (Throwable t) {
        AgentLog.warnOnce("telemetry-abandoned", "could not record an abandonment on its span", t);
      }
    }
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

  public static void statementStarted(RequestContext context, Object statement, String sql) {
    Telemetry current = telemetry;
    if (current != null) {
      try {
        current.statementStarted(context, statement, sql);
      } catch (Throwable t) {
        AgentLog.warnOnce("telemetry-statement", "could not trace a statement", t);
      }
    }
  }

  public static void statementEnded(RequestContext context, Object statement, Throwable thrown) {
    Telemetry current = telemetry;
    if (current != null) {
      try {
        current.statementEnded(context, statement, thrown);
      } catch (Throwable t) {
        AgentLog.warnOnce("telemetry-statement-end", "could not end a statement's span", t);
      }
    }
  }
}
