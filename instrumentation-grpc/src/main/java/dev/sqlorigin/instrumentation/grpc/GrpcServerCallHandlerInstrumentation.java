package dev.sqlorigin.instrumentation.grpc;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.source.GrpcCalls;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC call begins where the server hands it to its method's handler ({@code
 * ServerCallHandler.startCall}, public API that every server, interceptor chain and stub goes
 * through): the outermost handler on the thread (the interceptors' chain, else the stub's) starts
 * the call's request, with the full method name as its route and the request ID from the metadata,
 * and registers a listener with the call's {@code Context}, which the server cancels the moment the
 * client cancels, the deadline passes or the connection closes. Handlers further in find the
 * request bound and do nothing.
 */
public final class GrpcServerCallHandlerInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(
              GrpcServerCallHandlerInstrumentation.class, "io.grpc.ServerCallHandler")
          .methodsNamed("startCall")
          .advise(
              named("startCall")
                  .and(not(isAbstract()))
                  .and(takesArguments(2))
                  .and(takesArgument(0, "io.grpc.ServerCall"))
                  .and(takesArgument(1, "io.grpc.Metadata")),
              StartCallAdvice.class);

  private GrpcServerCallHandlerInstrumentation() {}

  public static class StartCallAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter(
        @Advice.Argument(0) ServerCall<?, ?> call, @Advice.Argument(1) Metadata headers) {
      if (CurrentRequest.binding() != null
          || call == null
          || headers == null
          || !GrpcCalls.knows(ServerCall.class)) {
        return null;
      }
      String incomingId = null;
      for (String key : GrpcCalls.requestIdKeys()) {
        incomingId = headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        if (incomingId != null) {
          break;
        }
      }
      // The server runs startCall in the call's context, which carries the client's deadline.
      Context context = Context.current();
      Deadline deadline = context.getDeadline();
      String traceparent = null;
      String tracestate = null;
      if (RequestLifecycle.observed()) {
        traceparent = headers.get(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER));
        tracestate = headers.get(Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER));
      }
      Binding binding =
          GrpcCalls.startCall(
              call,
              call.getMethodDescriptor().getFullMethodName(),
              incomingId,
              deadline == null ? -1 : deadline.timeRemaining(TimeUnit.NANOSECONDS),
              traceparent,
              tracestate);
      if (binding == null) {
        return null;
      }
      // Past this point the request is bound: whatever fails, the binding must reach the exit.
      try {
        InvocationHandler listener = GrpcCalls.cancellationListener(call);
        if (listener != null) {
          // A proxy: a class of ours implementing gRPC's interface would have to be injected into
          // the application's class loader.
          context.addListener(
              (Context.CancellationListener)
                  Proxy.newProxyInstance(
                      Context.CancellationListener.class.getClassLoader(),
                      new Class<?>[] {Context.CancellationListener.class},
                      listener),
              GrpcCalls.cancellationExecutor());
        }
      } catch (RuntimeException | LinkageError e) {
        // the call is abandoned when its listener hears onCancel instead
      }
      return binding;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter Binding binding,
        @Advice.Argument(0) ServerCall<?, ?> call,
        @Advice.Return ServerCall.Listener<?> listener,
        @Advice.Thrown Throwable thrown) {
      if (binding != null) {
        GrpcCalls.startCallReturned(binding, call, listener, thrown);
      }
    }
  }
}
