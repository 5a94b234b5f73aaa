package dev.sqlorigin.context;

import java.util.Locale;

/**
 * Why a request was given up on. A new reason is one constant here: its counter, its JMX and
 * OpenTelemetry key ({@link #key()}) and its log wording follow from it.
 */
public enum AbandonReason {
  DEADLINE("deadline passed"),
  CLIENT_DISCONNECTED("client disconnected"),
  SHUTDOWN("JVM shutting down"),
  OPERATOR("cancelled by an operator"),
  /** An operator blocked the request's route while it ran (JMX or the control file). */
  BLOCKED("its route was blocked by an operator"),
  /**
   * The servlet container's async timeout fired (AsyncListener.onTimeout) before the request
   * completed.
   */
  ASYNC_TIMEOUT("async timeout"),
  /**
   * The container reported an error on an async request (AsyncListener.onError): an HTTP/2 stream
   * reset by the client, an I/O failure, or an exception of the application's async work.
   */
  ASYNC_ERROR("async error (stream reset, I/O or application failure)"),
  /**
   * A gRPC call's {@code Context} was cancelled before the call completed: the client cancelled it
   * (or gave up on its own deadline a moment before the server's), its connection closed, or the
   * server was shut down now.
   */
  RPC_CANCELLED("gRPC call cancelled (client cancelled, connection closed or server stopped)"),
  /** The deadline the gRPC client set on the call ({@code grpc-timeout}) passed. */
  RPC_DEADLINE("gRPC deadline exceeded");

  private final String description;
  private final String key;

  AbandonReason(String description) {
    this.description = description;
    this.key = name().toLowerCase(Locale.ROOT);
  }

  /** The words of the log line and of the message the application's JDBC calls then get. */
  public String description() {
    return description;
  }

  /** The name in JMX and OpenTelemetry ({@code sqlorigin.abandon.reason}): {@code deadline}. */
  public String key() {
    return key;
  }
}
