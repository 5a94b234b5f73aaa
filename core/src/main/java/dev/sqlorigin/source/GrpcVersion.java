package dev.sqlorigin.source;

import dev.sqlorigin.log.AgentLog;

/**
 * Which gRPC-java the application runs, and whether sqlorigin knows it: the 1.x line, whose server
 * API (handlers, listeners, metadata, cancellable contexts) the advice reads. Another major version
 * may mean other semantics under the same names, so its calls are left alone, and one line says so.
 */
final class GrpcVersion {

  private static final int KNOWN_MAJOR = 1;

  private GrpcVersion() {}

  /** Whether the gRPC of {@code grpcApiClass} is known; says once per version when it is not. */
  static boolean known(Class<?> grpcApiClass) {
    String version = of(grpcApiClass);
    if (major(version) == KNOWN_MAJOR) {
      return true;
    }
    AgentLog.warnOnce(
        "grpc-version:" + version,
        "gRPC "
            + (version == null ? "of an unknown version" : version)
            + " ("
            + grpcApiClass.getName()
            + ") is not a version sqlorigin knows (1.x): its calls run untracked, their"
            + " statements untagged",
        null);
    return false;
  }

  /**
   * The version of {@code grpcApiClass}'s jar ({@code Implementation-Version}, which grpc-java's
   * jars declare), else grpc-core's own constant (an application's fat jar may have dropped the
   * manifests), else null.
   */
  static String of(Class<?> grpcApiClass) {
    Package pkg = grpcApiClass.getPackage();
    String version = pkg == null ? null : pkg.getImplementationVersion();
    if (version != null) {
      return version;
    }
    try {
      Object constant =
          Class.forName("io.grpc.internal.GrpcUtil", false, grpcApiClass.getClassLoader())
              .getField("IMPLEMENTATION_VERSION")
              .get(null);
      return constant instanceof String ? (String) constant : null;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }

  /** The major version of {@code 1.85.1}, {@code 1.86.0-SNAPSHOT}; -1 if it does not parse. */
  static int major(String version) {
    if (version == null) {
      return -1;
    }
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
