package dev.sqlorigin.context;

import java.util.Locale;

/** What became of the cancel of one statement of an abandoned request. */
public enum CancelOutcome {
  /** The cancel reached the server: the statement stopped as cancelled. */
  CANCELLED,
  /**
   * The statement ended of its own (completed, or failed for another reason) before its cancel
   * stopped it: neither cancelled nor a failure.
   */
  ENDED,
  /** The driver's cancel threw: the statement goes on (its request's later calls still fail). */
  FAILED,
  /**
   * The statement still ran {@code sqlorigin.cancel.timeout} after its cancel was asked for: the
   * cancel could not reach the server (or the server ignored it). Its connection is then aborted.
   */
  TIMED_OUT;

  private final String key = name().toLowerCase(Locale.ROOT);

  /** The name in JMX and OpenTelemetry ({@code sqlorigin.cancel.outcome}): {@code timed_out}. */
  public String key() {
    return key;
  }

  /** Whether the cancel did not stop the statement: what is logged as {@code cancel failed}. */
  public boolean failed() {
    return this == FAILED || this == TIMED_OUT;
  }
}
