package dev.sqlorigin.instrumentation.jaxrs;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
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
            .and(
                takesArgument(
                    1, hasSuperType(named(jaxrs + ".container.ContainerRequestContext")))),
        DispatchAdvice.class,
        "jakarta.ws.rs",
        jaxrs);
  }

  public static class DispatchAdvice {
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
        RequestLifecycle.refineRoute(
            request.getMethod(), info.getBaseUri().getRawPath(), path.toString());
      }
    }
  }
}
