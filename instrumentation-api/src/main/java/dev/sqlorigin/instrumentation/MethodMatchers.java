package dev.sqlorigin.instrumentation;

import java.lang.reflect.Modifier;
import java.util.Set;

/** The {@link MethodMatcher}s instrumentations are declared with, named as Byte Buddy names its. */
public final class MethodMatchers {

  private MethodMatchers() {}

  public static MethodMatcher named(String name) {
    return method -> method.name().equals(name);
  }

  public static MethodMatcher namedOneOf(String... names) {
    Set<String> set = Set.of(names);
    return method -> set.contains(method.name());
  }

  public static MethodMatcher isConstructor() {
    return named("<init>");
  }

  public static MethodMatcher isAbstract() {
    return method -> Modifier.isAbstract(method.access());
  }

  public static MethodMatcher isStatic() {
    return method -> Modifier.isStatic(method.access());
  }

  public static MethodMatcher not(MethodMatcher matcher) {
    return method -> !matcher.matches(method);
  }

  public static MethodMatcher takesArguments(int count) {
    return method -> method.parameterTypes().size() == count;
  }

  /** Exactly these parameters' types, in this order. */
  public static MethodMatcher takesArguments(Class<?>... types) {
    return method -> {
      if (method.parameterTypes().size() != types.length) {
        return false;
      }
      for (int i = 0; i < types.length; i++) {
        if (!method.parameterTypes().get(i).equals(types[i].getName())) {
          return false;
        }
      }
      return true;
    };
  }

  public static MethodMatcher takesArgument(int index, Class<?> type) {
    return takesArgument(index, type.getName());
  }

  /**
   * The parameter at {@code index} is of the type named {@code typeName} ({@link Class#getName}).
   */
  public static MethodMatcher takesArgument(int index, String typeName) {
    return method ->
        index < method.parameterTypes().size()
            && method.parameterTypes().get(index).equals(typeName);
  }

  /**
   * The parameter at {@code index} is of the type named {@code superType} or of a type that has it
   * among its super types (read from class files as the class's loader finds them).
   */
  public static MethodMatcher takesArgumentExtending(int index, String superType) {
    return method ->
        index < method.parameterTypes().size()
            && method.hierarchyOf(method.parameterTypes().get(index)).contains(superType);
  }
}
