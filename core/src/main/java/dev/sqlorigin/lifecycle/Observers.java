package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;

/**
 * The installed {@link RequestObserver}s, none by default: then each call is one volatile read. A
 * fault in an observer is logged once and never reaches the application's request or statement.
 */
final class Observers {

  private static volatile RequestObserver[] installed = new RequestObserver[0];

  private Observers() {}

  static synchronized void add(RequestObserver observer) {
    RequestObserver[] more = java.util.Arrays.copyOf(installed, installed.length + 1);
    more[installed.length] = observer;
    installed = more;
  }

  static boolean any() {
    return installed.length > 0;
  }

  static void requestStarted(RequestContext context, RequestStart start) {
    for (RequestObserver observer : installed) {
      try {
        observer.requestStarted(context, start);
      } catch (Throwable t) {
        fault("request-started", t);
      }
    }
  }

  static void requestEnded(RequestContext context, int status, Throwable thrown) {
    for (RequestObserver observer : installed) {
      try {
        observer.requestEnded(context, status, thrown);
      } catch (Throwable t) {
        fault("request-ended", t);
      }
    }
  }

  static void requestAbandoned(RequestContext context, Abandonment abandonment) {
    for (RequestObserver observer : installed) {
      try {
        observer.requestAbandoned(context, abandonment);
      } catch (Throwable t) {
        fault("request-abandoned", t);
      }
    }
  }

  static void statementStarted(RequestContext context, Object statement, String sql) {
    for (RequestObserver observer : installed) {
      try {
        observer.statementStarted(context, statement, sql);
      } catch (Throwable t) {
        fault("statement-started", t);
      }
    }
  }

  static void statementEnded(
      RequestContext context, Object statement, Throwable thrown, CancelOutcome outcome) {
    for (RequestObserver observer : installed) {
      try {
        observer.statementEnded(context, statement, thrown, outcome);
      } catch (Throwable t) {
        fault("statement-ended", t);
      }
    }
  }

  private static void fault(String event, Throwable t) {
    AgentLog.warnOnce("observer:" + event, "an observer of requests failed (" + event + ")", t);
  }
}
