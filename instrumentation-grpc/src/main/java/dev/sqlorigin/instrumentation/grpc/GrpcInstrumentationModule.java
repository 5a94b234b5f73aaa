package dev.sqlorigin.instrumentation.grpc;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * The gRPC-java server request source: a call is a request from its handler's {@code startCall} to
 * its listener's last event, cancelled with its {@code Context}.
 */
public final class GrpcInstrumentationModule {

  private GrpcInstrumentationModule() {}

  public static List<TypeInstrumentation> typeInstrumentations() {
    return List.of(
        GrpcServerCallHandlerInstrumentation.INSTRUMENTATION,
        GrpcServerCallListenerInstrumentation.INSTRUMENTATION,
        GrpcServerCallInstrumentation.INSTRUMENTATION);
  }
}
