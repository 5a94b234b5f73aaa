package dev.sqlorigin.instrumentation.quarkus;

import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.source.ServerRequests;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.vertx.VertxResteasyReactiveRequestContext;

/**
 * The client's disconnect, as Vert.x reports it on the event loop, at once, while a worker may be
 * blocked in JDBC. RESTEasy Reactive installs the response's close handler itself for every request
 * ({@code addCloseHandler}: Vert.x keeps one per response); sqlorigin's reaction goes in front of
 * whichever handler it installs, rather than taking the one place from it.
 */
public final class VertxRestRequestInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              VertxRestRequestInstrumentation.class,
              "org.jboss.resteasy.reactive.server.vertx.VertxResteasyReactiveRequestContext")
          .advise(
              named("addCloseHandler")
                  .and(takesArguments(1))
                  .and(takesArgument(0, "java.lang.Runnable")),
              CloseHandlerAdvice.class)
          .forVersions(
              QuarkusInstrumentationModule.TITLE, 3, 4, QuarkusInstrumentationModule.SERVER);

  private VertxRestRequestInstrumentation() {}

  public static class CloseHandlerAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This VertxResteasyReactiveRequestContext request,
        @Advice.Argument(value = 0, readOnly = false) Runnable closeHandler) {
      RoutingContext routing = request.getContext();
      Object held = routing == null ? null : routing.get(ServerRequests.CONTEXT_ATTRIBUTE);
      if (held instanceof RequestContext) {
        closeHandler = ServerRequests.onClientGone((RequestContext) held, closeHandler);
      }
    }
  }
}
