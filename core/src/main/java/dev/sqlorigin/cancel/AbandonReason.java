package dev.sqlorigin.cancel;

/** Why a request was given up on; each has its own counter and log wording. */
public enum AbandonReason {
  DEADLINE("deadline passed"),
  CLIENT_DISCONNECTED("client disconnected"),
  SHUTDOWN("JVM shutting down"),
  OPERATOR("cancelled by an operator");

  private final String description;

  AbandonReason(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }
}
