package dev.sqlorigin.apps.grpc;

import dev.sqlorigin.apps.probe.ProbeHandler;
import io.grpc.HandlerRegistry;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.stub.ServerCalls;

/**
 * A fallback registry that serves any method of {@code shop.Any}, whatever its name, as gRPC
 * proxies and gateways do: the method name comes from the client. Each runs the probe's request
 * like {@code shop.Probe/Run}.
 */
final class AnyMethodRegistry extends HandlerRegistry {

  private final ProbeHandler handler;

  AnyMethodRegistry(ProbeHandler handler) {
    this.handler = handler;
  }

  @Override
  public ServerMethodDefinition<?, ?> lookupMethod(String methodName, String authority) {
    if (!methodName.startsWith("shop.Any/")) {
      return null;
    }
    return ServerMethodDefinition.create(
        ProbeService.method(methodName, MethodDescriptor.MethodType.UNARY),
        ServerCalls.asyncUnaryCall(
            (String target, io.grpc.stub.StreamObserver<String> observer) ->
                ProbeService.answer(handler, target, observer)));
  }
}
