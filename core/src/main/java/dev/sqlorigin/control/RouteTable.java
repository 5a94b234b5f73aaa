package dev.sqlorigin.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the rule that covers a route among many: the rule written for exactly that route (one hash
 * lookup, however many there are), else the first pattern with a {@code *} or without a method that
 * matches, in the order given. Immutable; built again when the rules change.
 *
 * @param <T> what a rule carries
 */
final class RouteTable<T> {

  private final Map<String, T> exact;
  private final RoutePattern[] patterns;
  private final List<T> patternValues;

  RouteTable(Map<RoutePattern, T> rules) {
    Map<String, T> exactRules = new HashMap<>();
    List<RoutePattern> others = new ArrayList<>();
    List<T> otherValues = new ArrayList<>();
    rules.forEach(
        (pattern, value) -> {
          if (pattern.exact()) {
            exactRules.putIfAbsent(pattern.toString(), value);
          } else {
            others.add(pattern);
            otherValues.add(value);
          }
        });
    this.exact = exactRules;
    this.patterns = others.toArray(new RoutePattern[0]);
    this.patternValues = otherValues;
  }

  /** The rule covering {@code route}, or null. */
  T find(String route) {
    T found = exact.isEmpty() ? null : exact.get(route);
    if (found != null) {
      return found;
    }
    for (int i = 0; i < patterns.length; i++) {
      if (patterns[i].matches(route)) {
        return patternValues.get(i);
      }
    }
    return null;
  }

  boolean isEmpty() {
    return exact.isEmpty() && patterns.length == 0;
  }
}
