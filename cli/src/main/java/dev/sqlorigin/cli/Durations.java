package dev.sqlorigin.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as an operator types them ({@code 2s}, {@code 500ms}, {@code 5m}) and reads them. */
public final class Durations {

  private Durations() {}

  /**
   * Reads {@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 5m}, {@code 1h}; a bare number is
   * seconds, as {@code watch -n} takes it.
   */
  public static Duration parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    long unitNanos;
    String number;
    if (value.endsWith("ms")) {
      unitNanos = 1_000_000L;
      number = value.substring(0, value.length() - 2);
    } else if (value.endsWith("s")) {
      unitNanos = 1_000_000_000L;
      number = value.substring(0, value.length() - 1);
    } else if (value.endsWith("m")) {
      unitNanos = 60_000_000_000L;
      number = value.substring(0, value.length() - 1);
    } else if (value.endsWith("h")) {
      unitNanos = 3_600_000_000_000L;
      number = value.substring(0, value.length() - 1);
    } else {
      unitNanos = 1_000_000_000L;
      number = value;
    }
    try {
      double amount = Double.parseDouble(number);
      if (!(amount >= 0) || Double.isInfinite(amount) || amount * unitNanos > Long.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return Duration.ofNanos((long) (amount * unitNanos));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 500ms, 2s, 5m or 1h");
    }
  }

  /**
   * Short and aligned for a table: {@code 3.2s}, {@code 42s}, {@code 9m02s}, {@code 2h05m}, {@code
   * 3d04h}.
   */
  public static String format(Duration duration) {
    if (duration == null) {
      return "";
    }
    long millis = Math.max(0, duration.toMillis());
    long seconds = millis / 1000;
    if (seconds < 10) {
      return String.format(Locale.ROOT, "%d.%ds", seconds, millis % 1000 / 100);
    }
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
  }

  /** Seconds with millisecond precision, for JSON. */
  public static Double seconds(Duration duration) {
    return duration == null ? null : duration.toMillis() / 1000.0;
  }

  /** picocli's converter for duration options. */
  public static final class Converter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
