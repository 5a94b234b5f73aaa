package dev.sqlorigin.cancel;

import java.util.Locale;

/** The record of a request given up on: why, and how old it was then. */
public final class Abandonment {

  private final AbandonReason reason;
  private final long ageNanos;
  private final String message;

  public Abandonment(AbandonReason reason, long ageNanos, String requestId, String route) {
    this.reason = reason;
    this.ageNanos = ageNanos;
    this.message =
        String.format(
            Locale.ROOT,
            "sqlorigin: request %s (%s) abandoned: %s after %.1f s",
            requestId,
            route,
            reason.description(),
            ageNanos / 1e9);
  }

  public AbandonReason reason() {
    return reason;
  }

  public long ageNanos() {
    return ageNanos;
  }

  /** What the application's later JDBC calls throw, with SQLState 57014. */
  public String message() {
    return message;
  }
}
