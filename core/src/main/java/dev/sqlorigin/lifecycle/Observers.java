package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The installed {@link RequestObserver}s, none by default: then each call is one volatile read and
 * allocates nothing. A fault in an observer is logged once and never reaches the application's
 * request or statement.
 */
final class Observers {

  private static volatile RequestObserver[] installed = new RequestObserver[0];

  private Observers() {}

  static synchronized void add(RequestObserver observer) {
    RequestObserver[] more = Arrays.copyOf(installed, installed.length + 1);
    more[installed.length] = observer;
    installed = more;
  }

  static boolean any() {
    return installed.length > 0;
  }

  static void requestStarted(RequestContext context, RequestStart start) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(observers, "request-started", observer -> observer.requestStarted(context, start));
    }
  }

  static void requestEnded(RequestContext context, int status, Throwable thrown) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(observers, "request-ended", observer -> observer.requestEnded(context, status, thrown));
    }
  }

  static void requestAbandoned(RequestContext context, Abandonment abandonment) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(
          observers,
          "request-abandoned",
          observer -> observer.requestAbandoned(context, abandonment));
    }
  }

  static void statementStarted(RequestContext context, Object statement, String sql) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(
          observers,
          "statement-started",
          observer -> observer.statementStarted(context, statement, sql));
    }
  }

  static void statementEnded(
      RequestContext context, Object statement, Throwable thrown, CancelOutcome outcome) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(
          observers,
          "statement-ended",
          observer -> observer.statementEnded(context, statement, thrown, outcome));
    }
  }

  private static void tell(
      RequestObserver[] observers, String event, Consumer<RequestObserver> call) {
    for (RequestObserver observer : observers) {
      try {
        call.accept(observer);
      } catch (Throwable t) {
        AgentLog.warnOnce("observer:" + event, "an observer of requests failed (" + event + ")", t);
      }
    }
  }
}
