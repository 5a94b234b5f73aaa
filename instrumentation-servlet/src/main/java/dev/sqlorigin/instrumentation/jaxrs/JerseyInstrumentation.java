package dev.sqlorigin.instrumentation.jaxrs;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgumentExtending;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.Refusal;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Gives the request its JAX-RS route on Jersey 2 ({@code javax.ws.rs}), 3 and 4 ({@code
 * jakarta.ws.rs}): the {@code @Path} templates that matched (class, sub-resource locators, method),
 * under the application's base path, when Jersey dispatches to the resource method. Statements sent
 * in filters before that keep the servlet route.
 *
 * <p>Jersey's dispatcher is the one place every resource method call goes through with the routing
 * done; the templates come from its public {@code ExtendedUriInfo}, nothing internal is read.
 * Jersey 2's {@code ExtendedUriInfo} and {@code UriTemplate} have the same names and methods as
 * Jersey 3's, only their JAX-RS super types are {@code javax}: the advice is written against {@code
 * jakarta.ws.rs} and renamed for Jersey 2.
 */
public final class JerseyInstrumentation {

  private JerseyInstrumentation() {}

  /**
   * The classes changed, and how: the dispatcher, for each JAX-RS namespace, only where it is the
   * request's.
   */
  public static final TypeInstrumentation INSTRUMENTATION =
      forPackage(
          forPackage(
              TypeInstrumentation.classesNamed(
                  JerseyInstrumentation.class,
                  "org.glassfish.jersey.server.model.internal.AbstractJavaResourceMethodDispatcher"),
              "jakarta.ws.rs"),
          "javax.ws.rs");

  private static TypeInstrumentation forPackage(TypeInstrumentation jersey, String jaxrs) {
    return jersey.advise(
        named("dispatch")
            .and(not(isAbstract()))
            .and(takesArguments(2))
            .and(takesArgumentExtending(1, jaxrs + ".container.ContainerRequestContext")),
        DispatchAdvice.class,
        "jakarta.ws.rs",
        jaxrs);
  }

  /**
   * Refines the route; a request whose template is blocked or beyond its cap is answered 503 in
   * place of the resource method: the dispatch is skipped and returns that response, which Jersey
   * sends through its response filters like any other.
   */
  public static class DispatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    public static Response onEnter(@Advice.Argument(1) ContainerRequestContext request) {
      UriInfo info = request.getUriInfo();
      if (info instanceof ExtendedUriInfo) {
        // Most recently matched first: the method's template, then its locators', then the class's.
        List<UriTemplate> templates = ((ExtendedUriInfo) info).getMatchedTemplates();
        StringBuilder path = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
          path.append('/').append(templates.get(i).getTemplate());
        }
        RequestLifecycle.refineRoute(
            request.getMethod(), info.getBaseUri().getRawPath(), path.toString());
      }
      RequestContext context = CurrentRequest.get();
      Refusal refused = context == null ? null : context.refusal();
      return refused == null
          ? null
          : Response.status(refused.status())
              .header("Retry-After", refused.retryAfter())
              .type("text/plain;charset=utf-8")
              .entity(refused.body())
              .build();
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Response refusal, @Advice.Return(readOnly = false) Response response) {
      if (refusal != null) {
        response = refusal;
      }
    }
  }
}
