package dev.sqlorigin.instrumentation.spring;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.route.Routes;
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
 * version of a servlet namespace.
 */
public final class SpringMvcInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              SpringMvcInstrumentation.class, "org.springframework.web.servlet.DispatcherServlet")
          .advise(
              named("getHandler")
                  .and(takesArguments(1))
                  .and(takesArgument(0, named("jakarta.servlet.http.HttpServletRequest"))),
              JakartaHandlerAdvice.class)
          .advise(
              named("getHandler")
                  .and(takesArguments(1))
                  .and(takesArgument(0, named("javax.servlet.http.HttpServletRequest"))),
              JavaxHandlerAdvice.class);

  private SpringMvcInstrumentation() {}

  /** Spring 6 and 7 (Spring Boot 3 and 4). */
  public static class JakartaHandlerAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Argument(0) jakarta.servlet.http.HttpServletRequest request,
        @Advice.Return Object handler) {
      Object pattern =
          handler == null
              ? null
              : request.getAttribute(
                  "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
      if (pattern != null) {
        Sqlorigin.refineRoute(
            request.getMethod(),
            Routes.servletBase(
                request.getContextPath(), request.getServletPath(), request.getPathInfo()),
            pattern.toString());
      }
    }
  }

  /** Spring 5 (Spring Boot 2). */
  public static class JavaxHandlerAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Argument(0) javax.servlet.http.HttpServletRequest request,
        @Advice.Return Object handler) {
      Object pattern =
          handler == null
              ? null
              : request.getAttribute(
                  "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
      if (pattern != null) {
        Sqlorigin.refineRoute(
            request.getMethod(),
            Routes.servletBase(
                request.getContextPath(), request.getServletPath(), request.getPathInfo()),
            pattern.toString());
      }
    }
  }
}
