package dev.sqlorigin.source;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.route.Routes;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * What the servers on an event loop (Quarkus REST on Vert.x, Micronaut on Netty) share that their
 * advice cannot hold. Their request has no thread of its own: it starts on an event loop and hops
 * to a worker or a virtual thread and back, so the source keeps its context in the server's own
 * request object ({@link #CONTEXT_ATTRIBUTE}) and binds it ({@link RequestLifecycle#bind}) on each
 * thread for the time that thread works on it. They report the client's disconnect themselves, as
 * an event on the event loop, while a worker may be blocked in JDBC: {@link #onClientGone} and
 * {@link #closeListener} turn it into an abandonment, which returns at once (the cancels run on
 * cancel threads, never on the event loop).
 */
public final class ServerRequests {

  /** The attribute of the server's request that holds its context. */
  public static final String CONTEXT_ATTRIBUTE = "dev.sqlorigin.context";

  private ServerRequests() {}

  /**
   * Starts a request: until a framework refines it, its route is the method and the path with IDs
   * replaced ({@code GET /owners/{id}}). Returns null when sqlorigin is disabled or fails.
   */
  public static RequestContext start(
      String method,
      String path,
      String scheme,
      String incomingRequestId,
      String requestStartHeader,
      String traceparent,
      String tracestate) {
    try {
      RequestStart start =
          RequestStart.http(method, Routes.method(method) + " " + Routes.normalizePath(path))
              .requestId(incomingRequestId)
              .queuedSince(requestStartHeader);
      if (RequestLifecycle.observed()) {
        start.trace(path, scheme, traceparent, tracestate);
      }
      return RequestLifecycle.start(start);
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "start-server-request", "could not start a request; the request runs untracked", t);
      return null;
    }
  }

  /** The header the request ID is echoed in. */
  public static String requestIdResponseHeader() {
    return Config.current().requestIdHeaders().get(0);
  }

  /**
   * {@code closeHandler}, which the server runs when the client's connection closes before the
   * response is complete, preceded by the request's abandonment ({@code client disconnected}).
   */
  public static Runnable onClientGone(RequestContext context, Runnable closeHandler) {
    if (context == null || closeHandler instanceof ClientGone) {
      return closeHandler;
    }
    return new ClientGone(context, closeHandler);
  }

  /**
   * The handler of a {@link java.lang.reflect.Proxy} implementing a server's callback interface
   * (Netty's {@code ChannelFutureListener}): whatever it is called with, the connection closed. A
   * proxy rather than a class of ours: a class implementing the server's interface would have to be
   * injected into the application's class loader.
   */
  public static InvocationHandler closeListener(RequestContext context) {
    return new ClientGone(context, null);
  }

  private static final class ClientGone implements Runnable, InvocationHandler {
    private final RequestContext context;
    private final Runnable next;

    ClientGone(RequestContext context, Runnable next) {
      this.context = context;
      this.next = next;
    }

    @Override
    public void run() {
      // First: the server's own handler may end the request's processing.
      gone();
      if (next != null) {
        next.run();
      }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "sqlorigin close listener of " + context;
        default:
          gone();
          return null;
      }
    }

    /** Abandons the request unless it has answered already (a close after the response). */
    private void gone() {
      if (!context.ended()) {
        RequestLifecycle.abandon(context, AbandonReason.CLIENT_DISCONNECTED);
      }
    }
  }
}
