package dev.sqlorigin.source;

import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.log.AgentLog;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * What a servlet request gone async hears from its container, as the handler of a {@link
 * java.lang.reflect.Proxy} implementing the servlet API's {@code AsyncListener} (javax or jakarta:
 * the methods are the same). A proxy rather than a class of ours: a class implementing the servlet
 * interface would have to be injected into the application's class loader.
 */
public final class ServletAsyncListener implements InvocationHandler {

  /**
   * The request attribute that holds the context of a request gone async, for its later dispatches
   * ({@code AsyncContext.dispatch}) and the tasks of {@code AsyncContext.start}.
   */
  public static final String CONTEXT_ATTRIBUTE = "dev.sqlorigin.context";

  private final RequestContext context;

  public ServletAsyncListener(RequestContext context) {
    this.context = context;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) {
    try {
      switch (method.getName()) {
        case "onComplete":
          // The status is the response's, which only the servlet API's event could tell: the
          // request's span goes without it.
          RequestLifecycle.complete(context, 0, null);
          return null;
        case "onTimeout":
          RequestLifecycle.abandon(context, AbandonReason.ASYNC_TIMEOUT);
          return null;
        case "onError":
          RequestLifecycle.abandon(context, AbandonReason.ASYNC_ERROR);
          return null;
        case "onStartAsync":
          // A new async cycle: the dispatch that started it registers a listener of its own.
          return null;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "sqlorigin listener of " + context;
        default:
          return null;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("async-listener", "could not handle an async event of a request", t);
      return null;
    }
  }
}
