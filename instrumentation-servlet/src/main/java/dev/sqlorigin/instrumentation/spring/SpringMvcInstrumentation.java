package dev.sqlorigin.instrumentation.spring;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.route.Routes;
import jakarta.servlet.http.HttpServletRequest;
import net.bytebuddy.asm.Advice;

/**
 * Gives the request the Spring MVC pattern that matched it ({@code GET /owners/{ownerId}}), as soon
 * as {@code DispatcherServlet.getHandler} has chosen the handler. Statements sent before that (in
 * filters) keep the servlet route; the ones after carry the pattern.
 *
 * <p>The pattern is read from the request attribute that every Spring MVC handler mapping sets
 * ({@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}): a {@code String} with the {@code
 * AntPathMatcher}, a {@code PathPattern} (whose {@code toString} is its text) since Spring 5.3 (the
 * default in Spring 6 and 7). Only the servlet API is referenced, so one advice serves every Spring
 * version: written against {@code jakarta.servlet} (Spring 6 and 7), renamed for {@code
 * javax.servlet} (Spring 5).
 */
public final class SpringMvcInstrumentation {

  private SpringMvcInstrumentation() {}

  /** The classes changed, and how: each servlet namespace's {@code getHandler}. */
  public static final TypeInstrumentation INSTRUMENTATION =
      forPackage(
          forPackage(
              TypeInstrumentation.classesNamed(
                  SpringMvcInstrumentation.class,
                  "org.springframework.web.servlet.DispatcherServlet"),
              "jakarta.servlet"),
          "javax.servlet");

  private static TypeInstrumentation forPackage(TypeInstrumentation spring, String servlet) {
    return spring.advise(
        named("getHandler")
            .and(takesArguments(1))
            .and(takesArgument(0, named(servlet + ".http.HttpServletRequest"))),
        HandlerAdvice.class,
        "jakarta.servlet",
        servlet);
  }

  public static class HandlerAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Argument(0) HttpServletRequest request, @Advice.Return Object handler) {
      Object pattern =
          handler == null
              ? null
              : request.getAttribute(
                  "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
      if (pattern != null) {
        RequestLifecycle.refineRoute(
            request.getMethod(),
            Routes.servletBase(
                request.getContextPath(), request.getServletPath(), request.getPathInfo()),
            pattern.toString());
      }
    }
  }
}
