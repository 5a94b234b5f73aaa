package dev.sqlorigin.instrumentation.spring;

import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.Refusal;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.route.Routes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Gives the request the Spring MVC pattern that matched it ({@code GET /owners/{ownerId}}), as soon
 * as {@code DispatcherServlet.getHandler} has chosen the handler. Statements sent before that (in
 * filters) keep the servlet route; the ones after carry the pattern. A request whose pattern is
 * blocked or beyond its cap is answered 503 where Spring asks the handler's interceptors whether to
 * go on ({@code HandlerExecutionChain.applyPreHandle}): as an interceptor's {@code preHandle} that
 * answers and returns false, before the handler runs.
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
                  "org.springframework.web.servlet.DispatcherServlet",
                  "org.springframework.web.servlet.HandlerExecutionChain"),
              "jakarta.servlet"),
          "javax.servlet");

  private static TypeInstrumentation forPackage(TypeInstrumentation spring, String servlet) {
    return spring
        .advise(
            named("getHandler")
                .and(takesArguments(1))
                .and(takesArgument(0, servlet + ".http.HttpServletRequest")),
            HandlerAdvice.class,
            "jakarta.servlet",
            servlet)
        .advise(
            named("applyPreHandle")
                .and(takesArguments(2))
                .and(takesArgument(0, servlet + ".http.HttpServletRequest"))
                .and(takesArgument(1, servlet + ".http.HttpServletResponse")),
            PreHandleAdvice.class,
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

  /**
   * Answers a request refused by its pattern (see {@code RequestLifecycle.refineRoute}) and skips
   * the interceptors: the skipped method returns false, so Spring does not call the handler.
   */
  public static class PreHandleAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    public static boolean onEnter(@Advice.Argument(1) HttpServletResponse response) {
      RequestContext context = CurrentRequest.get();
      Refusal refused = context == null ? null : context.refusal();
      if (refused != null) {
        try {
          if (!response.isCommitted()) {
            response.setStatus(refused.status());
            response.setHeader("Retry-After", refused.retryAfter());
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().write(refused.body());
          }
        } catch (Exception ignored) {
          // a response that cannot be written: the handler is skipped all the same
        }
      }
      return refused != null;
    }
  }
}
