package dev.sqlorigin.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the route lists an operator writes: blocks ({@code POST /api/imports, GET /api/reports/*})
 * and concurrency caps ({@code POST /api/imports=1, GET /api/reports/*=4}). A list is taken whole
 * or not at all: one bad entry rejects it, with a message naming the entry and what is wrong.
 */
public final class RouteRules {

  /** The highest cap accepted: beyond it a cap protects nothing. */
  public static final int MAX_LIMIT = 100_000;

  private RouteRules() {}

  /** Thrown with the reason a list was refused, fit for one log line. */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public Invalid(String message) {
      super(message);
    }
  }

  /** A comma-separated list of route patterns; empty or {@code none}: no route. */
  public static Set<RoutePattern> parsePatterns(String value) {
    Set<RoutePattern> patterns = new LinkedHashSet<>();
    for (String entry : entries(value)) {
      patterns.add(pattern(entry));
    }
    return Collections.unmodifiableSet(patterns);
  }

  /**
   * A comma-separated list of {@code pattern=limit} (a whole number from 1 to {@value #MAX_LIMIT}),
   * in the order written; empty or {@code none}: no cap.
   */
  public static Map<RoutePattern, Integer> parseLimits(String value) {
    Map<RoutePattern, Integer> limits = new LinkedHashMap<>();
    for (String entry : entries(value)) {
      int equals = entry.lastIndexOf('=');
      if (equals < 0) {
        throw new Invalid(
            "'"
                + RoutePattern.printable(entry)
                + "' has no limit (write route=N, e.g. POST /api/imports=2)");
      }
      RoutePattern pattern = pattern(entry.substring(0, equals));
      String number = entry.substring(equals + 1).strip();
      long limit;
      try {
        limit = Long.parseLong(number);
      } catch (NumberFormatException e) {
        throw new Invalid(
            "the limit of "
                + pattern
                + " is '"
                + RoutePattern.printable(number)
                + "', not a whole number");
      }
      if (limit <= 0) {
        throw new Invalid(
            "the limit of "
                + pattern
                + " is "
                + limit
                + ": a cap must let at least 1 request through (to refuse them all, block the"
                + " route)");
      }
      if (limit > MAX_LIMIT) {
        throw new Invalid(
            "the limit of " + pattern + " is " + limit + " (" + MAX_LIMIT + " at most)");
      }
      if (limits.put(pattern, (int) limit) != null) {
        throw new Invalid(pattern + " is given twice");
      }
    }
    return Collections.unmodifiableMap(limits);
  }

  private static RoutePattern pattern(String entry) {
    try {
      return RoutePattern.parse(entry);
    } catch (IllegalArgumentException e) {
      throw new Invalid(e.getMessage());
    }
  }

  private static List<String> entries(String value) {
    List<String> entries = new ArrayList<>();
    String trimmed = value == null ? "" : value.strip();
    if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none")) {
      return entries;
    }
    for (String part : trimmed.split(",", -1)) {
      if (part.isBlank()) {
        throw new Invalid("an empty entry in '" + RoutePattern.printable(trimmed) + "'");
      }
      entries.add(part.strip());
    }
    return entries;
  }
}
