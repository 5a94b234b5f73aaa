package dev.sqlorigin.instrumentation.servlet.javax;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.telemetry.TelemetryHooks;
import java.lang.reflect.Proxy;
import javax.servlet.AsyncListener;
import javax.servlet.DispatcherType;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletMapping;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Opens the request context in the outermost {@code javax.servlet} {@code Filter.doFilter} or
 * {@code Servlet.service} on the thread, and closes it there, unless the request went async: then
 * it stays active until the container reports its end to an {@code AsyncListener} (completion, or a
 * timeout or error that abandons it), and its later dispatches join it. Nested filters and the
 * servlet find a context already bound and do nothing.
 */
public final class JavaxServletInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(
              JavaxServletInstrumentation.class, "javax.servlet.Filter", "javax.servlet.Servlet")
          .advise(
              not(isAbstract())
                  .and(
                      named("doFilter")
                          .and(takesArguments(3))
                          .or(named("service").and(takesArguments(2))))
                  .and(takesArgument(0, named("javax.servlet.ServletRequest")))
                  .and(takesArgument(1, named("javax.servlet.ServletResponse"))),
              ServletAdvice.class);

  private JavaxServletInstrumentation() {}

  public static class ServletAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static RequestContext onEnter(
        @Advice.Argument(0) ServletRequest request, @Advice.Argument(1) ServletResponse response) {
      if (CurrentRequest.get() != null || !(request instanceof HttpServletRequest)) {
        return null;
      }
      if (request.getDispatcherType() != DispatcherType.REQUEST) {
        // A dispatch of a request gone async (or its error dispatch) continues that request.
        RequestContext joined =
            Sqlorigin.rejoinRequest(request.getAttribute(Sqlorigin.CONTEXT_ATTRIBUTE));
        if (joined != null) {
          return joined;
        }
      }
      HttpServletRequest http = (HttpServletRequest) request;
      String incomingId = null;
      for (String header : Sqlorigin.requestIdHeaders()) {
        incomingId = http.getHeader(header);
        if (incomingId != null) {
          break;
        }
      }
      HttpServletMapping mapping = http.getHttpServletMapping();
      RequestContext context =
          Sqlorigin.startRequest(
              http.getMethod(),
              http.getContextPath(),
              http.getServletPath(),
              http.getPathInfo(),
              mapping == null ? null : mapping.getPattern(),
              mapping == null || mapping.getMappingMatch() == null
                  ? null
                  : mapping.getMappingMatch().name(),
              incomingId,
              http.getHeader(Sqlorigin.config().requestStartHeader()),
              http.getLocalPort(),
              http.getRemotePort());
      if (context == null) {
        return null;
      }
      // Echo before the application can commit the response; a failure here must not lose the
      // context.
      try {
        if (response instanceof HttpServletResponse) {
          ((HttpServletResponse) response)
              .setHeader(Sqlorigin.requestIdResponseHeader(), context.requestId());
        }
      } catch (RuntimeException ignored) {
        // the response was already committed: the statements are still tagged
      }
      // Telemetry must not cost the context either: past this point it is registered.
      if (TelemetryHooks.enabled()) {
        try {
          TelemetryHooks.requestStarted(
              context,
              http.getMethod(),
              http.getRequestURI(),
              http.getScheme(),
              http.getHeader("traceparent"),
              http.getHeader("tracestate"));
        } catch (RuntimeException ignored) {
          // a request wrapper that throws: the request runs untraced
        }
      }
      CurrentRequest.bind(context);
      return context;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter RequestContext context,
        @Advice.Argument(0) ServletRequest request,
        @Advice.Argument(1) ServletResponse response,
        @Advice.Thrown Throwable thrown) {
      if (context == null) {
        return;
      }
      boolean async = false;
      try {
        if (request.isAsyncStarted()) {
          // The request goes on elsewhere: it stays active until its AsyncListener hears the end.
          request.setAttribute(Sqlorigin.CONTEXT_ATTRIBUTE, context);
          request
              .getAsyncContext()
              .addListener(
                  (AsyncListener)
                      Proxy.newProxyInstance(
                          AsyncListener.class.getClassLoader(),
                          new Class<?>[] {AsyncListener.class},
                          Sqlorigin.suspendRequest(context)));
          async = true;
        }
      } finally {
        if (!async) {
          int status = 0;
          if (TelemetryHooks.enabled() && response instanceof HttpServletResponse) {
            // Guarded: a response wrapper that throws here must not keep the request from ending.
            try {
              status = ((HttpServletResponse) response).getStatus();
            } catch (RuntimeException ignored) {
              // the span goes without a status code
            }
          }
          Sqlorigin.endRequest(context, status, thrown);
        }
      }
    }
  }
}
