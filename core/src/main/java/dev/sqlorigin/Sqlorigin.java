package dev.sqlorigin;

import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.ClientSocket;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.RequestIds;
import dev.sqlorigin.context.RequestStart;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.route.Routes;
import java.util.Collections;
import java.util.List;

/**
 * The entry points that advice code calls. Every method here fails open: a fault is logged once
 * and the application's request or statement goes on as if sqlorigin were not there.
 */
public final class Sqlorigin {

  private static volatile Config config = Config.defaults();

  private Sqlorigin() {
  }

  /** Installs the settings; called once by the agent at start-up. */
  public static void configure(Config newConfig) {
    config = newConfig;
  }

  public static Config config() {
    return config;
  }

  /** Header names the incoming request ID is read from, in order. */
  public static List<String> requestIdHeaders() {
    return config.requestIdHeaders();
  }

  /** The header the request ID is echoed in. */
  public static String requestIdResponseHeader() {
    return config.requestIdHeaders().get(0);
  }

  /**
   * Creates the context of a new request from what the servlet container reports, or returns null
   * when sqlorigin is disabled or fails. The caller binds it with {@link CurrentRequest#bind}.
   */
  public static RequestContext startRequest(String method, String contextPath, String servletPath,
      String pathInfo, String mappingPattern, String mappingMatch, String incomingRequestId,
      String requestStartHeader, int localPort, int remotePort) {
    try {
      Config current = config;
      if (!current.enabled()) {
        return null;
      }
      String route = Routes.servlet(method, contextPath, servletPath, pathInfo, mappingPattern,
          mappingMatch);
      String requestId = RequestIds.accept(incomingRequestId, current.requestIdMaxLength());
      if (requestId == null) {
        requestId = RequestIds.generate();
      }
      long now = System.nanoTime();
      long deadline = 0;
      if (current.requestTimeoutNanos() > 0) {
        deadline = now + current.requestTimeoutNanos() - RequestStart.queuedNanos(requestStartHeader,
            System.currentTimeMillis());
        deadline = deadline == 0 ? 1 : deadline; // 0 means "no deadline"
      }
      ClientSocket socket = localPort > 0 && remotePort > 0 ? new ClientSocket(localPort, remotePort) : null;
      RequestContext context = new RequestContext(current, route, requestId, now, deadline, socket);
      ActiveRequests.started(context);
      return context;
    } catch (Throwable t) {
      AgentLog.warnOnce("start-request", "could not start a request context; the request runs untracked", t);
      return null;
    }
  }

  /**
   * Gives the current request the route template its framework matched ({@code template} relative
   * to {@code basePath}); later statements carry it. Without a current request, does nothing.
   */
  public static void refineRoute(String method, String basePath, String template) {
    try {
      RequestContext context = CurrentRequest.get();
      if (context != null && template != null) {
        context.refineRoute(Routes.template(method, basePath, template));
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("refine-route", "could not read a framework's route; the servlet route is kept", t);
    }
  }

  /** Ends the request on this thread. */
  public static void endRequest(RequestContext context) {
    CurrentRequest.unbind();
    ActiveRequests.ended(context);
  }

  /** Returns {@code sql} with the current request's comment in front, or unchanged. */
  public static String tag(String sql) {
    try {
      RequestContext context = CurrentRequest.get();
      String comment = context != null ? context.comment() : outsideRequestComment();
      return SqlComment.insert(sql, comment);
    } catch (Throwable t) {
      AgentLog.warnOnce("tag", "could not tag a statement; it runs untagged", t);
      return sql;
    }
  }

  private static String outsideRequestComment() {
    Config current = config;
    if (current.outsideRequest() != Config.OutsideRequest.THREAD || !current.enabled()
        || !current.commentFields().contains(CommentField.ROUTE)) {
      return null;
    }
    String route = "thread:" + Routes.threadName(Thread.currentThread().getName());
    return SqlComment.render(current.commentFormat(),
        Collections.singletonMap(CommentField.ROUTE.key(), route));
  }
}
