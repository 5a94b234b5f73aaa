package dev.sqlorigin.instrumentation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A method as its class file declares it: what {@link MethodMatcher}s judge. Read from the class
 * file by the agent, never from a loaded class.
 */
public final class DeclaredMethod {

  private final int access;
  private final String name;
  private final List<String> parameterTypes;
  // Binary name of a class or interface -> its binary name and all its super types'; null when its
  // class files cannot all be read.
  private final Function<String, Set<String>> hierarchy;

  /**
   * {@code access} flags, {@code name} and {@code descriptor} as in the class file; {@code
   * hierarchy} gives the binary names of a type and all its super types as the class's loader finds
   * them (null when some cannot be read).
   */
  public DeclaredMethod(
      int access, String name, String descriptor, Function<String, Set<String>> hierarchy) {
    this.access = access;
    this.name = name;
    this.parameterTypes = parameterTypes(descriptor);
    this.hierarchy = hierarchy;
  }

  public int access() {
    return access;
  }

  public String name() {
    return name;
  }

  /** The parameters' types, as {@link Class#getName()} names them ({@code int}, {@code [I}). */
  public List<String> parameterTypes() {
    return parameterTypes;
  }

  /** The binary names of {@code type} and all its super types; empty when they cannot be read. */
  public Set<String> hierarchyOf(String type) {
    Set<String> names = hierarchy.apply(type);
    return names == null ? Collections.emptySet() : names;
  }

  private static List<String> parameterTypes(String descriptor) {
    List<String> types = new ArrayList<>();
    int at = 1;
    while (descriptor.charAt(at) != ')') {
      int start = at;
      while (descriptor.charAt(at) == '[') {
        at++;
      }
      if (descriptor.charAt(at) == 'L') {
        at = descriptor.indexOf(';', at);
      }
      at++;
      types.add(className(descriptor.substring(start, at)));
    }
    return Collections.unmodifiableList(types);
  }

  /** A field descriptor as {@link Class#getName()} names the type. */
  private static String className(String type) {
    switch (type.charAt(0)) {
      case 'Z':
        return "boolean";
      case 'B':
        return "byte";
      case 'C':
        return "char";
      case 'S':
        return "short";
      case 'I':
        return "int";
      case 'J':
        return "long";
      case 'F':
        return "float";
      case 'D':
        return "double";
      case 'L':
        return type.substring(1, type.length() - 1).replace('/', '.');
      default: // an array: Class.getName() keeps its descriptor, with dots
        return type.replace('/', '.');
    }
  }
}
