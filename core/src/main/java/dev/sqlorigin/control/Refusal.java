package dev.sqlorigin.control;

import java.util.Locale;

/**
 * What a request refused by a route block or a concurrency cap is answered: {@code 503 Service
 * Unavailable}, {@code Retry-After}, and a short body naming the rule, before the application's
 * handler runs.
 */
public final class Refusal {

  /** Why a request was refused; the metrics' {@code sqlorigin.refusal.reason}. */
  public enum Reason {
    BLOCKED,
    CONCURRENCY_LIMIT;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final int STATUS = 503;

  // A block lasts until an operator lifts it: a client that honours Retry-After comes back in a
  // minute rather than hammering. A cap frees a slot as soon as one request ends.
  static final int BLOCKED_RETRY_AFTER_SECONDS = 60;
  static final int LIMIT_RETRY_AFTER_SECONDS = 1;

  private final Reason reason;
  private final String route;
  private final int retryAfterSeconds;
  private final String message;

  Refusal(Reason reason, String route, int retryAfterSeconds, String message) {
    this.reason = reason;
    this.route = route;
    this.retryAfterSeconds = retryAfterSeconds;
    this.message = message;
  }

  public Reason reason() {
    return reason;
  }

  public String route() {
    return route;
  }

  public int status() {
    return STATUS;
  }

  /** The value of the {@code Retry-After} header: seconds. */
  public String retryAfter() {
    return Integer.toString(retryAfterSeconds);
  }

  /** The response body, one line of plain text. */
  public String body() {
    return message + "\n";
  }

  /** What a JDBC call of the request throws (SQLState 57014) where no response could be sent. */
  public String message() {
    return message;
  }
}
