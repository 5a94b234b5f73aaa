package dev.sqlorigin.instrumentation.quarkus;

import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.source.ServerRequests;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;

/**
 * Starts the request the first time RESTEasy Reactive runs its handler chain (on the event loop),
 * and binds it to every thread the chain runs on after: the chain is a {@code Runnable} that the
 * event loop, the worker pool or a virtual thread runs each time it resumes. The context is kept in
 * the request's Vert.x {@code RoutingContext}.
 *
 * <p>{@code run()} is declared by the class that RESTEasy Reactive's client shares with its server;
 * the advice acts on server requests only, and is applied only where the server is present.
 */
public final class RestHandlerChainInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              RestHandlerChainInstrumentation.class,
              "org.jboss.resteasy.reactive.common.core.AbstractResteasyReactiveContext")
          .advise(named("run").and(takesArguments(0)), RunAdvice.class)
          .forVersions(
              QuarkusInstrumentationModule.TITLE, 3, 4, QuarkusInstrumentationModule.SERVER);

  private RestHandlerChainInstrumentation() {}

  public static class RunAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter(@Advice.This Object self) {
      if (!(self instanceof ResteasyReactiveRequestContext)) {
        return null;
      }
      RoutingContext routing = ((ResteasyReactiveRequestContext) self).unwrap(RoutingContext.class);
      if (routing == null) {
        return null;
      }
      Object held = routing.get(ServerRequests.CONTEXT_ATTRIBUTE);
      if (held != null) {
        // Started by an earlier run of the chain (or refused: then a Boolean).
        return RequestLifecycle.resume(held);
      }
      HttpServerRequest http = routing.request();
      String incomingId = null;
      for (String header : Config.current().requestIdHeaders()) {
        incomingId = http.getHeader(header);
        if (incomingId != null) {
          break;
        }
      }
      RequestContext context =
          ServerRequests.start(
              http.method().name(),
              http.path(),
              http.scheme(),
              incomingId,
              http.getHeader(Config.current().requestStartHeader()),
              http.getHeader("traceparent"),
              http.getHeader("tracestate"));
      if (context == null) {
        routing.put(ServerRequests.CONTEXT_ATTRIBUTE, Boolean.FALSE);
        return null;
      }
      routing.put(ServerRequests.CONTEXT_ATTRIBUTE, context);
      try {
        routing.response().putHeader(ServerRequests.requestIdResponseHeader(), context.requestId());
      } catch (RuntimeException ignored) {
        // the response was already written: the statements are still tagged
      }
      return RequestLifecycle.bind(context);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Binding binding) {
      if (binding != null) {
        RequestLifecycle.unbind(binding);
      }
    }
  }
}
