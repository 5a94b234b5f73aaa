package dev.sqlorigin;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.CommentFormat;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.label.ApplicationName;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.route.Routes;
import dev.sqlorigin.telemetry.TelemetryHooks;
import java.util.Collections;

/**
 * Tagging, for the JDBC advice: the comment in front of each statement's SQL, and the connection's
 * {@code application_name}. What happens to requests is {@code RequestLifecycle}'s. Every method
 * fails open: a fault is logged once and the statement goes on untagged.
 */
public final class Sqlorigin {

  private Sqlorigin() {}

  /** Returns {@code sql} with the current request's comment in front, or unchanged. */
  public static String tag(String sql) {
    try {
      RequestContext context = CurrentRequest.get();
      String comment = context != null ? context.comment() : outsideRequestComment();
      if (context != null
          && TelemetryHooks.enabled()
          && context.config().commentFields().contains(CommentField.TRACEPARENT)
          && !SqlComment.isTagged(sql)) {
        comment = withTraceparent(context, comment);
      }
      return SqlComment.insert(sql, comment);
    } catch (Throwable t) {
      AgentLog.warnOnce("tag", "could not tag a statement; it runs untagged", t);
      return sql;
    }
  }

  /**
   * For a statement about to run outside any request: its connection may still carry the ID of the
   * last request that used it, which must not name a background job's work.
   */
  public static void statementOutsideRequest(Object statement) {
    try {
      if (Config.current().requestIdInApplicationName()) {
        ApplicationName.label(statement, null);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("application-name", "could not reset application_name", t);
    }
  }

  /**
   * The request's comment plus the traceparent of the span this statement's execution will have.
   * Not alone in the sqlcommenter format: {@code /*traceparent='…'*}{@code /} is what the
   * OpenTelemetry Java agent writes, so it could not be recognized as ours (and a driver behind a
   * pool proxy would tag the statement again).
   */
  private static String withTraceparent(RequestContext context, String comment) {
    CommentFormat format = context.config().commentFormat();
    if (comment == null && format == CommentFormat.SQLCOMMENTER) {
      return null;
    }
    String traceparent = TelemetryHooks.nextStatementTraceparent(context);
    return traceparent == null
        ? comment
        : SqlComment.withField(format, comment, CommentField.TRACEPARENT.key(), traceparent);
  }

  private static String outsideRequestComment() {
    Config current = Config.current();
    String origin = current.outsideRequestOrigin();
    if (origin == null
        || !current.enabled()
        || !current.commentFields().contains(CommentField.ROUTE)) {
      return null;
    }
    String route =
        origin.contains(Config.THREAD_PLACEHOLDER)
            ? origin.replace(
                Config.THREAD_PLACEHOLDER, Routes.threadName(Thread.currentThread().getName()))
            : origin;
    return SqlComment.render(
        current.commentFormat(), Collections.singletonMap(CommentField.ROUTE.key(), route));
  }
}
