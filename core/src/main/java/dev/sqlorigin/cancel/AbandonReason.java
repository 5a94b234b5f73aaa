package dev.sqlorigin.cancel;

/** Why a request was given up on; each has its own counter and log wording. */
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
  ASYNC_ERROR("async error (stream reset, I/O or application failure)");

  private final String description;

  AbandonReason(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
