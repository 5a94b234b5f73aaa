package dev.sqlorigin.instrumentation;

/** Selects the declared methods that advice applies to; see {@link MethodMatchers}. */
@FunctionalInterface
public interface MethodMatcher {

  boolean matches(DeclaredMethod method);

  default MethodMatcher and(MethodMatcher other) {
    return method -> matches(method) && other.matches(method);
  }

  default MethodMatcher or(MethodMatcher other) {
    return method -> matches(method) || other.matches(method);
  }
}
