package dev.sqlorigin.instrumentation.grpc;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.source.GrpcCalls;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The request ID goes back to the client in the call's response headers ({@code
 * ServerCall.sendHeaders}, public API), or in its trailers when the call closes without having sent
 * headers (an error answered with trailers only). Only the call the server made is echoed through:
 * the wrappers of interceptors delegate to it.
 */
public final class GrpcServerCallInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(GrpcServerCallInstrumentation.class, "io.grpc.ServerCall")
          .methodsNamed("sendHeaders", "close")
          .advise(
              not(isAbstract())
                  .and(named("sendHeaders"))
                  .and(takesArguments(1))
                  .and(takesArgument(0, "io.grpc.Metadata")),
              HeadersAdvice.class)
          .advise(
              not(isAbstract())
                  .and(named("close"))
                  .and(takesArguments(2))
                  .and(takesArgument(0, "io.grpc.Status"))
                  .and(takesArgument(1, "io.grpc.Metadata")),
              CloseAdvice.class);

  private GrpcServerCallInstrumentation() {}

  public static class HeadersAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.This Object call, @Advice.Argument(0) Metadata headers) {
      String requestId = GrpcCalls.headersSent(call);
      String key = GrpcCalls.responseKey();
      if (requestId != null && key != null && headers != null) {
        Metadata.Key<String> header = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
        // The application's own value, if it set one, stays.
        if (!headers.containsKey(header)) {
          headers.put(header, requestId);
        }
      }
    }
  }

  public static class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This Object call,
        @Advice.Argument(0) Status status,
        @Advice.Argument(1) Metadata trailers) {
      String requestId = GrpcCalls.closing(call, status == null ? -1 : status.getCode().value());
      String key = GrpcCalls.responseKey();
      if (requestId != null && key != null && trailers != null) {
        Metadata.Key<String> header = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
        if (!trailers.containsKey(header)) {
          trailers.put(header, requestId);
        }
      }
    }
  }
}
