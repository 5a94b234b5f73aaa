package dev.sqlorigin.instrumentation.micronaut;

import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.source.ServerRequests;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;

/**
 * The request has answered: its response (or the error that stands for one) goes to Micronaut's
 * writer, on the event loop. The request ID is echoed in it, and the request ends with its status.
 */
public final class ResponseInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              ResponseInstrumentation.class, "io.micronaut.http.server.netty.RoutingInBoundHandler")
          .advise(
              named("writeResponse")
                  .and(takesArguments(4))
                  .and(takesArgument(1, "io.micronaut.http.server.netty.NettyHttpRequest"))
                  .and(takesArgument(2, "io.micronaut.http.HttpResponse"))
                  .and(takesArgument(3, "java.lang.Throwable")),
              WriteAdvice.class)
          .forVersions(MicronautInstrumentationModule.TITLE, 4, 5, null);

  private ResponseInstrumentation() {}

  public static class WriteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.Argument(1) HttpRequest<?> request,
        @Advice.Argument(2) HttpResponse<?> response,
        @Advice.Argument(3) Throwable thrown) {
      Object held = request.getAttribute(ServerRequests.CONTEXT_ATTRIBUTE).orElse(null);
      if (!(held instanceof RequestContext)) {
        return;
      }
      RequestContext context = (RequestContext) held;
      if (response instanceof MutableHttpResponse) {
        try {
          ((MutableHttpResponse<?>) response)
              .header(ServerRequests.requestIdResponseHeader(), context.requestId());
        } catch (RuntimeException ignored) {
          // an immutable response: the statements were tagged all the same
        }
      }
      RequestLifecycle.complete(context, response == null ? 0 : response.code(), thrown);
    }
  }
}
