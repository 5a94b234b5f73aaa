package dev.sqlorigin;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.route.Routes;
import dev.sqlorigin.telemetry.TelemetryHooks;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * The entry points of the request sources that are not servlets: servers on an event loop (Quarkus
 * REST on Vert.x, Micronaut on Netty). Their request has no thread of its own: it starts on an
 * event loop and hops to a worker or a virtual thread and back, so it is kept by the server's own
 * request object and bound to each thread for the time that thread works on it. They report the
 * client's disconnect themselves, as an event on the event loop, while a worker may be blocked in
 * JDBC.
 *
 * <p>Everything here fails open: a fault is logged once and the request goes on untracked.
 */
public final class ServerRequests {

  private ServerRequests() {}

  /**
   * Starts a request: its route, until a framework refines it, is the method and the path with IDs
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
      RequestContext context =
          Sqlorigin.startRequest(
              Routes.method(method) + " " + Routes.normalizePath(path),
              incomingRequestId,
              requestStartHeader,
              null);
      if (context != null && TelemetryHooks.enabled()) {
        TelemetryHooks.requestStarted(context, method, path, scheme, traceparent, tracestate);
      }
      return context;
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "start-server-request",
          "could not start a request context; the request runs untracked",
          t);
      return null;
    }
  }

  /**
   * Binds {@code context} (null: nothing) to this thread, over whatever it was bound to, for the
   * time it works on the request; {@link #exit} with the result restores that.
   */
  public static Binding enter(RequestContext context) {
    return context == null ? null : CurrentRequest.enter(context);
  }

  /** Ends what {@link #enter} bound. */
  public static void exit(Binding binding) {
    if (binding != null) {
      CurrentRequest.exit(binding);
    }
  }

  /**
   * Gives {@code context} the route template its framework matched: {@code template} (e.g. {@code
   * /owners/{id}}, JAX-RS regular expressions dropped) under {@code basePath}.
   */
  public static void refineRoute(
      RequestContext context, String method, String basePath, String template) {
    try {
      if (context != null && template != null) {
        context.refineRoute(Routes.template(method, basePath, template));
      }
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "refine-server-route", "could not read a framework's route; the path route is kept", t);
    }
  }

  /** The request answered {@code status} (0: unknown) or failed with {@code thrown}. */
  public static void end(RequestContext context, int status, Throwable thrown) {
    if (context != null) {
      Sqlorigin.finishRequest(context, status, thrown);
    }
  }

  /**
   * {@code closeHandler}, which the server runs when the client's connection closes before the
   * response is complete, preceded by sqlorigin's reaction: the request is abandoned (see {@link
   * RequestContext#clientGone()}).
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

    private void gone() {
      try {
        context.clientGone();
      } catch (Throwable t) {
        AgentLog.warnOnce("client-gone", "could not abandon a request whose client left", t);
      }
    }
  }
}
