package dev.sqlorigin.instrumentation.grpc;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.namedOneOf;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.source.GrpcCalls;

/**
 * The events of a gRPC call, delivered to the listener its outermost handler returned ({@code
 * ServerCall.Listener}, public API), each on whichever thread of the server's executor is free: the
 * call's request is bound around each, and unbound after, whatever the event threw. Unary and
 * server-streaming stubs run the application's method in {@code onHalfClose}. The last event,
 * {@code onComplete} or {@code onCancel}, ends the request. The base class is changed too: a
 * listener that does not override an event runs its empty one.
 */
public final class GrpcServerCallListenerInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(
              GrpcServerCallListenerInstrumentation.class, "io.grpc.ServerCall$Listener")
          .methodsNamed("onMessage", "onHalfClose", "onReady", "onCancel", "onComplete")
          .advise(
              not(isAbstract())
                  .and(
                      named("onMessage")
                          .and(takesArguments(1))
                          .or(namedOneOf("onHalfClose", "onReady").and(takesArguments(0)))),
              EventAdvice.class)
          .advise(
              not(isAbstract()).and(named("onCancel")).and(takesArguments(0)), CancelAdvice.class)
          .advise(
              not(isAbstract()).and(named("onComplete")).and(takesArguments(0)),
              CompleteAdvice.class);

  private GrpcServerCallListenerInstrumentation() {}

  public static class EventAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter(@Advice.This Object listener) {
      return GrpcCalls.enterListener(listener);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Binding binding) {
      GrpcCalls.exitListener(binding);
    }
  }

  public static class CancelAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter(@Advice.This Object listener) {
      return GrpcCalls.enterCancelled(listener);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.This Object listener, @Advice.Enter Binding binding) {
      GrpcCalls.listenerDone(listener, binding);
    }
  }

  public static class CompleteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter(@Advice.This Object listener) {
      return GrpcCalls.enterListener(listener);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.This Object listener, @Advice.Enter Binding binding) {
      GrpcCalls.listenerDone(listener, binding);
    }
  }
}
