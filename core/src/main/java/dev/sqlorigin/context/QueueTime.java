package dev.sqlorigin.context;

/**
 * Reads a router's queue-start header ({@code X-Request-Start: t=1700000000123456}, as Heroku,
 * nginx and New Relic write it), so that a deadline counts the time the request waited before the
 * application saw it.
 */
public final class QueueTime {

  // Anything queued longer than this, or stamped in the future, is a clock or parsing problem.
  private static final long MAX_QUEUE_MILLIS = 10 * 60_000L;
  private static final long FUTURE_TOLERANCE_MILLIS = 5_000L;

  private QueueTime() {}

  /** Nanoseconds spent queued before the application got the request; 0 when unknown or absurd. */
  public static long queuedNanos(String header, long nowMillis) {
    if (header == null) {
      return 0;
    }
    String value = header.trim();
    if (value.startsWith("t=")) {
      value = value.substring(2);
    }
    int dot = value.indexOf('.');
    long epochMillis;
    try {
      if (dot >= 0) {
        // seconds with a fraction (nginx's $msec)
        epochMillis = (long) (Double.parseDouble(value) * 1000);
      } else {
        long number = Long.parseLong(value);
        // Micros have 16 digits today, millis 13, seconds 10.
        epochMillis = number > 1e15 ? number / 1000 : number > 1e12 ? number : number * 1000;
      }
    } catch (NumberFormatException e) {
      return 0;
    }
    long queued = nowMillis - epochMillis;
    if (queued < -FUTURE_TOLERANCE_MILLIS || queued > MAX_QUEUE_MILLIS) {
      return 0;
    }
    return Math.max(0, queued) * 1_000_000L;
  }
}
