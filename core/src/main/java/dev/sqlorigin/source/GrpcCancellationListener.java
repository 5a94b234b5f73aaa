package dev.sqlorigin.source;

import dev.sqlorigin.log.AgentLog;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * What a gRPC call's {@code Context} tells when it is cancelled, as the handler of a {@link
 * java.lang.reflect.Proxy} implementing gRPC's {@code Context.CancellationListener}: a proxy rather
 * than a class of ours, which would have to be injected into the application's class loader.
 *
 * <p>gRPC cancels a call's context with a cause when the call did not complete (the client
 * cancelled or its deadline passed, the connection closed, the server was shut down now) and
 * without one after the call completed normally.
 */
final class GrpcCancellationListener implements InvocationHandler {

  private final GrpcCalls.GrpcCall call;

  GrpcCancellationListener(GrpcCalls.GrpcCall call) {
    this.call = call;
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) {
    try {
      switch (method.getName()) {
        case "cancelled":
          GrpcCalls.contextCancelled(call, hasCause(args[0]));
          return null;
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "sqlorigin listener of " + call.context;
        default:
          return null;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("grpc-cancelled", "could not handle the cancellation of a gRPC call", t);
      return null;
    }
  }

  /**
   * Whether the cancelled {@code Context} has a cause ({@code Context.cancellationCause()}, public
   * API, read reflectively: core cannot see gRPC's types). If it cannot be read, the call counts as
   * cancelled: one that completed normally has ended before its context is cancelled.
   */
  private static boolean hasCause(Object grpcContext) {
    try {
      return grpcContext.getClass().getMethod("cancellationCause").invoke(grpcContext) != null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.warnOnce(
          "grpc-cancellation-cause",
          "could not read why a gRPC call's context was cancelled; it counts as cancelled",
          e);
      return true;
    }
  }
}
