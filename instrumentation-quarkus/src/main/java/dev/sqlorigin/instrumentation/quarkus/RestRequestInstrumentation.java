package dev.sqlorigin.instrumentation.quarkus;

import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.source.ServerRequests;
import io.vertx.ext.web.RoutingContext;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.mapping.RuntimeResource;
import org.jboss.resteasy.reactive.server.mapping.URITemplate;

/**
 * The route and the end of a RESTEasy Reactive request. When the request matches a resource method
 * ({@code restart(RuntimeResource, boolean)}), its route becomes the method's template: the
 * deployment's prefix ({@code quarkus.http.root-path}, {@code quarkus.rest.path}, the {@code
 * Application}'s path), the class's {@code @Path} and the method's, as RESTEasy Reactive matched
 * them ({@code GET /shop/owners/{id}}, never the raw path). When its handler chain closes, the
 * request has answered.
 */
public final class RestRequestInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              RestRequestInstrumentation.class,
              "org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext")
          .advise(
              named("restart")
                  .and(takesArguments(2))
                  .and(
                      takesArgument(
                          0, "org.jboss.resteasy.reactive.server.mapping.RuntimeResource")),
              MatchedAdvice.class)
          .advise(named("close").and(takesArguments(0)), CloseAdvice.class)
          .forVersions(
              QuarkusInstrumentationModule.TITLE, 3, 4, QuarkusInstrumentationModule.SERVER);

  private RestRequestInstrumentation() {}

  public static class MatchedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.This ResteasyReactiveRequestContext request,
        @Advice.Argument(0) RuntimeResource target) {
      // Matched inside the handler chain, on the thread it is bound to.
      if (target == null || CurrentRequest.get() == null) {
        return;
      }
      URITemplate classPath = target.getClassPath();
      URITemplate path = target.getPath();
      RequestLifecycle.refineRoute(
          request.getMethod(),
          request.getDeployment().getPrefix(),
          (classPath == null ? "" : classPath.template)
              + "/"
              + (path == null ? "" : path.template));
    }
  }

  public static class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This ResteasyReactiveRequestContext request) {
      RoutingContext routing = request.unwrap(RoutingContext.class);
      Object held = routing == null ? null : routing.get(ServerRequests.CONTEXT_ATTRIBUTE);
      if (held instanceof RequestContext) {
        RequestLifecycle.complete(
            (RequestContext) held, routing.response().getStatusCode(), request.getThrowable());
      }
    }
  }
}
