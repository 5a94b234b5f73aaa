package dev.sqlorigin.instrumentation.jaxrs;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import net.bytebuddy.asm.Advice;
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
 */
public final class JerseyInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              JerseyInstrumentation.class,
              "org.glassfish.jersey.server.model.internal.AbstractJavaResourceMethodDispatcher")
          // Each advice only where its JAX-RS namespace is the request's.
          .advise(
              named("dispatch")
                  .and(not(isAbstract()))
                  .and(takesArguments(2))
                  .and(
                      takesArgument(
                          1,
                          hasSuperType(named("jakarta.ws.rs.container.ContainerRequestContext")))),
              JakartaDispatchAdvice.class)
          .advise(
              named("dispatch")
                  .and(not(isAbstract()))
                  .and(takesArguments(2))
                  .and(
                      takesArgument(
                          1, hasSuperType(named("javax.ws.rs.container.ContainerRequestContext")))),
              JavaxDispatchAdvice.class);

  private JerseyInstrumentation() {}

  /** Jersey 3 and 4. */
  public static class JakartaDispatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(1) ContainerRequestContext request) {
      UriInfo info = request.getUriInfo();
      if (info instanceof ExtendedUriInfo) {
        // Most recently matched first: the method's template, then its locators', then the class's.
        List<UriTemplate> templates = ((ExtendedUriInfo) info).getMatchedTemplates();
        StringBuilder path = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
          path.append('/').append(templates.get(i).getTemplate());
        }
        Sqlorigin.refineRoute(request.getMethod(), info.getBaseUri().getRawPath(), path.toString());
      }
    }
  }

  /**
   * Jersey 2: its {@code ExtendedUriInfo} and {@code UriTemplate} have the same names and methods
   * as Jersey 3's, only their JAX-RS super types are {@code javax}.
   */
  public static class JavaxDispatchAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(1) javax.ws.rs.container.ContainerRequestContext request) {
      javax.ws.rs.core.UriInfo info = request.getUriInfo();
      // Through Object: to the compiler the two namespaces' UriInfo cannot be one object.
      Object extended = info;
      if (extended instanceof ExtendedUriInfo) {
        List<UriTemplate> templates = ((ExtendedUriInfo) extended).getMatchedTemplates();
        StringBuilder path = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
          path.append('/').append(templates.get(i).getTemplate());
        }
        Sqlorigin.refineRoute(request.getMethod(), info.getBaseUri().getRawPath(), path.toString());
      }
    }
  }
}
