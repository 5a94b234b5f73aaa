package dev.sqlorigin.instrumentation.servlet;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.Refusal;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;
import dev.sqlorigin.route.Routes;
import dev.sqlorigin.source.ServletAsyncListener;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;

/**
 * The servlet request source, {@code javax.servlet} and {@code jakarta.servlet} alike: the
 * outermost {@code Filter.doFilter} or {@code Servlet.service} on a thread starts the request and
 * binds it, and ends it on the way out, unless the request went async: then it stays active until
 * the container reports its end to an {@code AsyncListener} (completion, or a timeout or error that
 * abandons it), and its later dispatches resume it. Nested filters and the servlet find a request
 * already bound and do nothing.
 *
 * <p>The advice is written once, against {@value #WRITTEN_FOR}; the {@code javax.servlet} twin
 * applies the same advice with the package renamed ({@link TypeInstrumentation#inPackage}): the two
 * APIs differ only by their package.
 */
public final class ServletInstrumentation {

  /** The package the advice is compiled against. */
  static final String WRITTEN_FOR = "jakarta.servlet";

  private ServletInstrumentation() {}

  /** The instrumentation for the servlet API of {@code basePackage}. */
  public static TypeInstrumentation forPackage(String basePackage) {
    return TypeInstrumentation.subtypesOf(
            ServletInstrumentation.class, basePackage + ".Filter", basePackage + ".Servlet")
        .methodsNamed("doFilter", "service")
        .advise(
            not(isAbstract())
                .and(
                    named("doFilter")
                        .and(takesArguments(3))
                        .or(named("service").and(takesArguments(2))))
                .and(takesArgument(0, basePackage + ".ServletRequest"))
                .and(takesArgument(1, basePackage + ".ServletResponse")),
            ServletAdvice.class,
            WRITTEN_FOR,
            basePackage)
        .called("ServletInstrumentation[" + basePackage + "]");
  }

  /**
   * Binds the request (in {@code binding}, for the exit); returns true, to skip the filter or
   * servlet, for a request that a route block or a concurrency cap refused: it has been answered
   * 503, and is never bound.
   */
  public static class ServletAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    public static boolean onEnter(
        @Advice.Argument(0) ServletRequest request,
        @Advice.Argument(1) ServletResponse response,
        @Advice.Local("sqloriginBinding") Binding binding) {
      if (CurrentRequest.binding() != null || !(request instanceof HttpServletRequest)) {
        return false;
      }
      if (request.getDispatcherType() != DispatcherType.REQUEST) {
        // A dispatch of a request gone async (or its error dispatch) continues that request.
        binding =
            RequestLifecycle.resume(request.getAttribute(ServletAsyncListener.CONTEXT_ATTRIBUTE));
        if (binding != null) {
          return false;
        }
      }
      HttpServletRequest http = (HttpServletRequest) request;
      Config config = Config.current();
      String incomingId = null;
      for (String header : config.requestIdHeaders()) {
        incomingId = http.getHeader(header);
        if (incomingId != null) {
          break;
        }
      }
      HttpServletMapping mapping = http.getHttpServletMapping();
      RequestStart start =
          RequestStart.http(
                  http.getMethod(),
                  Routes.servlet(
                      http.getMethod(),
                      http.getContextPath(),
                      http.getServletPath(),
                      http.getPathInfo(),
                      mapping == null ? null : mapping.getPattern(),
                      mapping == null || mapping.getMappingMatch() == null
                          ? null
                          : mapping.getMappingMatch().name()))
              .requestId(incomingId)
              .queuedSince(http.getHeader(config.requestStartHeader()))
              .clientSocket(http.getLocalPort(), http.getRemotePort());
      if (RequestLifecycle.observed()) {
        start.trace(
            http.getRequestURI(),
            http.getScheme(),
            http.getHeader("traceparent"),
            http.getHeader("tracestate"));
      }
      RequestContext context = RequestLifecycle.start(start);
      if (context == null) {
        return false;
      }
      // Echoed before the application can commit the response; a failure here must not lose the
      // request, which is registered from now on.
      try {
        if (response instanceof HttpServletResponse) {
          ((HttpServletResponse) response)
              .setHeader(config.requestIdHeaders().get(0), context.requestId());
        }
      } catch (RuntimeException ignored) {
        // the response was already committed: the statements are still tagged
      }
      Refusal refused = context.refusal();
      if (refused != null) {
        // Answered here, before any filter or servlet of the application runs, and never bound.
        try {
          HttpServletResponse http503 = (HttpServletResponse) response;
          if (!http503.isCommitted()) {
            http503.setStatus(refused.status());
            http503.setHeader("Retry-After", refused.retryAfter());
            http503.setContentType("text/plain;charset=utf-8");
            http503.getWriter().write(refused.body());
          }
        } catch (Exception ignored) {
          // a response that cannot be written: the request is refused all the same
        }
        return true;
      }
      binding = RequestLifecycle.bind(context);
      return false;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Local("sqloriginBinding") Binding binding,
        @Advice.Argument(0) ServletRequest request,
        @Advice.Argument(1) ServletResponse response,
        @Advice.Thrown Throwable thrown) {
      if (binding == null) {
        return; // no request, or one refused (and answered) on the way in
      }
      boolean suspended = false;
      try {
        if (request.isAsyncStarted()) {
          // The request goes on elsewhere: it stays active until its AsyncListener hears the end.
          RequestContext context = binding.context();
          request.setAttribute(ServletAsyncListener.CONTEXT_ATTRIBUTE, context);
          request
              .getAsyncContext()
              .addListener(
                  (AsyncListener)
                      Proxy.newProxyInstance(
                          AsyncListener.class.getClassLoader(),
                          new Class<?>[] {AsyncListener.class},
                          new ServletAsyncListener(context)));
          RequestLifecycle.suspend(binding);
          suspended = true;
        }
      } finally {
        if (!suspended) {
          int status = 0;
          if (RequestLifecycle.observed() && response instanceof HttpServletResponse) {
            // Guarded: a response wrapper that throws here must not keep the request from ending.
            try {
              status = ((HttpServletResponse) response).getStatus();
            } catch (RuntimeException ignored) {
              // the span goes without a status code
            }
          }
          RequestLifecycle.end(binding, status, thrown);
        }
      }
    }
  }
}
