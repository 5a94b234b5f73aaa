package dev.sqlorigin.instrumentation.micronaut;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.source.ServerRequests;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;
import io.micronaut.web.router.RouteInfo;
import io.micronaut.web.router.RouteMatch;
import io.micronaut.web.router.UriRouteInfo;

/**
 * Binds the request to the thread that runs its controller method ({@code RouteMatch.execute()}),
 * for that time, and gives it the route template Micronaut matched ({@code /owners/{id}}, as
 * declared, under the server's context path). The request is the one Micronaut propagates to that
 * thread ({@code ServerRequestContext}).
 */
public final class RouteExecutionInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(
              RouteExecutionInstrumentation.class, "io.micronaut.web.router.RouteMatch")
          .methodsNamed("execute")
          .advise(
              named("execute").and(takesArguments(0)).and(not(isAbstract())), ExecuteAdvice.class)
          .forVersions(MicronautInstrumentationModule.TITLE, 4, 5, null);

  private RouteExecutionInstrumentation() {}

  public static class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter(@Advice.This RouteMatch<?> match) {
      HttpRequest<?> request = ServerRequestContext.currentRequest().orElse(null);
      Object held =
          request == null
              ? null
              : request.getAttribute(ServerRequests.CONTEXT_ATTRIBUTE).orElse(null);
      if (!(held instanceof RequestContext)) {
        return null;
      }
      Binding binding = RequestLifecycle.bind((RequestContext) held);
      RouteInfo<?> info = match.getRouteInfo();
      if (info instanceof UriRouteInfo) {
        RequestLifecycle.refineRoute(
            request.getMethodName(),
            "",
            ((UriRouteInfo<?, ?>) info).getUriMatchTemplate().toPathString());
      }
      return binding;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Binding binding) {
      if (binding != null) {
        RequestLifecycle.unbind(binding);
      }
    }
  }
}
