package dev.sqlorigin;

import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.CommentFormat;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AsyncRequestListener;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.ClientSocket;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.RequestIds;
import dev.sqlorigin.context.RequestStart;
import dev.sqlorigin.label.ApplicationName;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.route.Routes;
import dev.sqlorigin.telemetry.TelemetryHooks;
import java.lang.reflect.InvocationHandler;
import java.util.Collections;
import java.util.List;

/**
 * The entry points that advice code calls. Every method here fails open: a fault is logged once and
 * the application's request or statement goes on as if sqlorigin were not there.
 */
public final class Sqlorigin {

  /**
   * The request attribute that holds the context of a request gone async, for its later dispatches
   * (AsyncContext.dispatch) and the tasks of AsyncContext.start.
   */
  public static final String CONTEXT_ATTRIBUTE = "dev.sqlorigin.context";

  private static volatile Config config = Config.defaults();

  private Sqlorigin() {}

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
  public static RequestContext startRequest(
      String method,
      String contextPath,
      String servletPath,
      String pathInfo,
      String mappingPattern,
      String mappingMatch,
      String incomingRequestId,
      String requestStartHeader,
      int localPort,
      int remotePort) {
    try {
      Config current = config;
      if (!current.enabled()) {
        return null;
      }
      String route =
          Routes.servlet(method, contextPath, servletPath, pathInfo, mappingPattern, mappingMatch);
      ClientSocket socket =
          localPort > 0 && remotePort > 0 ? new ClientSocket(localPort, remotePort) : null;
      return newRequest(
          current,
          route,
          incomingRequestId,
          RequestStart.queuedNanos(requestStartHeader, System.currentTimeMillis()),
          socket);
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "start-request", "could not start a request context; the request runs untracked", t);
      return null;
    }
  }

  /**
   * Creates the context of a request whose source names its route itself ({@code route}, already a
   * template: a gRPC call's method), with the request ID it came with ({@code incomingRequestId},
   * null if none: one is generated); or returns null when sqlorigin is disabled or fails. It has
   * {@code sqlorigin.request.timeout} as its deadline, and no client socket to watch: its source
   * reports the client's going away itself.
   */
  public static RequestContext startRequest(String route, String incomingRequestId) {
    try {
      Config current = config;
      return current.enabled() ? newRequest(current, route, incomingRequestId, 0, null) : null;
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "start-request", "could not start a request context; the request runs untracked", t);
      return null;
    }
  }

  private static RequestContext newRequest(
      Config current,
      String route,
      String incomingRequestId,
      long queuedNanos,
      ClientSocket socket) {
    String requestId = RequestIds.accept(incomingRequestId, current.requestIdMaxLength());
    if (requestId == null) {
      requestId = RequestIds.generate();
    }
    long now = System.nanoTime();
    long deadline = 0;
    if (current.requestTimeoutNanos() > 0) {
      deadline = now + current.requestTimeoutNanos() - queuedNanos;
      deadline = deadline == 0 ? 1 : deadline; // 0 means "no deadline"
    }
    RequestContext context = new RequestContext(current, route, requestId, now, deadline, socket);
    ActiveRequests.started(context);
    return context;
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
      AgentLog.warnOnce(
          "refine-route", "could not read a framework's route; the servlet route is kept", t);
    }
  }

  /** Ends the request on this thread. */
  /**
   * Ends the request on this thread, which answered {@code status} (0: unknown) or threw {@code
   * thrown}.
   */
  public static void endRequest(RequestContext context, int status, Throwable thrown) {
    CurrentRequest.unbind();
    finishRequest(context, status, thrown);
  }

  /**
   * The outermost call returned with the request in async mode: the thread lets go of it, but the
   * request stays active (registered, its statements in flight) until the returned listener (an
   * AsyncListener's handler, behind a {@link java.lang.reflect.Proxy} of the servlet API's
   * interface) hears that it completed, timed out or failed.
   */
  public static InvocationHandler suspendRequest(RequestContext context) {
    CurrentRequest.unbind();
    return new AsyncRequestListener(context);
  }

  /**
   * A later dispatch of a request that went async ({@code DispatcherType.ASYNC} or {@code ERROR})
   * joins that request instead of starting one: binds and returns it, or null when {@code
   * attribute} (the request's {@link #CONTEXT_ATTRIBUTE}) holds none.
   */
  public static RequestContext rejoinRequest(Object attribute) {
    if (!(attribute instanceof RequestContext)) {
      return null;
    }
    RequestContext context = (RequestContext) attribute;
    CurrentRequest.bind(context);
    return context;
  }

  /**
   * The request has answered (from whichever thread learnt it) {@code status} (0: unknown) or
   * failed with {@code thrown}; only the first call counts.
   */
  public static void finishRequest(RequestContext context, int status, Throwable thrown) {
    if (context.end()) {
      TelemetryHooks.requestEnded(context, status, thrown);
      ActiveRequests.ended(context);
    }
  }

  /**
   * Starts a unit of work that the application named ({@code SqlOrigin.run("job:import", ...)}) on
   * this thread, over whatever the thread was bound to; returns what {@link #endJob} takes, or null
   * when sqlorigin is disabled or fails. Its statements carry {@code route=<origin>} and an ID of
   * their own; it has no deadline, and the operator and the shutdown hook can cancel it like a
   * request.
   */
  public static Binding startJob(String origin) {
    try {
      Config current = config;
      if (!current.enabled()) {
        return null;
      }
      RequestContext context =
          new RequestContext(
              current, Routes.origin(origin), RequestIds.generate(), System.nanoTime(), 0, null);
      ActiveRequests.started(context);
      return CurrentRequest.enter(context);
    } catch (Throwable t) {
      AgentLog.warnOnce("start-job", "could not start a job context; the job runs untracked", t);
      return null;
    }
  }

  /** Ends what {@link #startJob} started and restores the thread's previous binding. */
  public static void endJob(Binding binding) {
    CurrentRequest.exit(binding);
    finishRequest(binding.context(), 0, null);
  }

  /** Returns {@code sql} with the current request's comment in front, or unchanged. */
  public static String tag(String sql) {
    try {
      RequestContext context = CurrentRequest.get();
      String comment = context != null ? context.comment() : outsideRequestComment();
      if (context != null
          && TelemetryHooks.enabled()
          && config.commentFields().contains(CommentField.TRACEPARENT)
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
      if (config.requestIdInApplicationName()) {
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
    if (comment == null && config.commentFormat() == CommentFormat.SQLCOMMENTER) {
      return null;
    }
    String traceparent = TelemetryHooks.nextStatementTraceparent(context);
    return traceparent == null
        ? comment
        : SqlComment.withField(
            config.commentFormat(), comment, CommentField.TRACEPARENT.key(), traceparent);
  }

  private static String outsideRequestComment() {
    Config current = config;
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
