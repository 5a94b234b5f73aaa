package dev.sqlorigin.instrumentation;

import java.util.Set;

/**
 * A call to a static method of core woven into methods of the JDK's own classes: at their entry,
 * its result replacing one of their arguments, or before they return, seeing the value returned.
 * Not {@link Advice}: the few JDK classes the agent changes (its executors, {@code
 * ManagementFactory}) need nothing more, and are woven, by retransformation when they are loaded
 * already, with no code copied and no frame to change.
 *
 * <p>No exception handler is woven around the call: the method called must never throw (the
 * application's {@code execute} would throw what it throws).
 */
public final class JdkMethodHook {

  // Access flags of the class file format (the JVM specification, 4.6).
  private static final int ACC_STATIC = 0x0008;
  private static final int ACC_NATIVE = 0x0100;
  private static final int ACC_ABSTRACT = 0x0400;

  /** Methods of one JDK class, by name, kind and parameters. */
  public static final class Methods {
    private final String className;
    private final Set<String> names;
    private final boolean isStatic;
    // -1: any number.
    private final int parameterCount;

    private Methods(String className, Set<String> names, boolean isStatic, int parameterCount) {
      this.className = className;
      this.names = names;
      this.isStatic = isStatic;
      this.parameterCount = parameterCount;
    }

    /** These methods, of exactly {@code count} parameters. */
    public Methods taking(int count) {
      return new Methods(className, names, isStatic, count);
    }
  }

  private final Methods methods;
  // -1: before each return.
  private final int argument;
  private final String type;
  private final String hookClass;
  private final String hookName;

  private JdkMethodHook(
      Methods methods, int argument, Class<?> type, Class<?> hookClass, String hookName) {
    this.methods = methods;
    this.argument = argument;
    this.type = descriptor(type);
    this.hookClass = hookClass.getName().replace('.', '/');
    this.hookName = hookName;
  }

  /** The instance methods named {@code names} of {@code className} (a binary name). */
  public static Methods instanceMethods(String className, String... names) {
    return new Methods(className, Set.of(names), false, -1);
  }

  /** The static methods named {@code names} of {@code className} (a binary name). */
  public static Methods staticMethods(String className, String... names) {
    return new Methods(className, Set.of(names), true, -1);
  }

  /**
   * At the entry of {@code methods} whose parameter {@code index} is of {@code type}: that argument
   * becomes {@code hookClass.hookName(argument)}, a static method from {@code type} to {@code
   * type}.
   */
  public static JdkMethodHook replaceArgument(
      Methods methods, int index, Class<?> type, Class<?> hookClass, String hookName) {
    return new JdkMethodHook(methods, index, type, hookClass, hookName);
  }

  /**
   * Before each return of {@code methods} that return a {@code type}: {@code
   * hookClass.hookName(returned)}, a static method of one {@code type} parameter and no result.
   */
  public static JdkMethodHook seeReturn(
      Methods methods, Class<?> type, Class<?> hookClass, String hookName) {
    return new JdkMethodHook(methods, -1, type, hookClass, hookName);
  }

  /** The binary name of the class changed. */
  public String className() {
    return methods.className;
  }

  /** Whether the hook replaces an argument at entry (else it sees the value returned). */
  public boolean atEntry() {
    return argument >= 0;
  }

  /** The argument replaced, counted from 0 among the declared parameters. */
  public int argument() {
    return argument;
  }

  /** The internal name of the class whose static method is called. */
  public String hookClass() {
    return hookClass;
  }

  public String hookName() {
    return hookName;
  }

  /** The descriptor of the method called. */
  public String hookDescriptor() {
    return atEntry() ? "(" + type + ")" + type : "(" + type + ")V";
  }

  /**
   * Whether this hook goes into the method of these {@code access} flags, {@code name} and the
   * {@code parameters} and {@code returned} type descriptors.
   */
  public boolean matches(int access, String name, String[] parameters, String returned) {
    // No code to weave into.
    if ((access & (ACC_ABSTRACT | ACC_NATIVE)) != 0) {
      return false;
    }
    if (((access & ACC_STATIC) != 0) != methods.isStatic || !methods.names.contains(name)) {
      return false;
    }
    if (methods.parameterCount >= 0 && parameters.length != methods.parameterCount) {
      return false;
    }
    return atEntry()
        ? argument < parameters.length && parameters[argument].equals(type)
        : returned.equals(type);
  }

  private static String descriptor(Class<?> type) {
    if (type.isPrimitive() || type.isArray()) {
      // Neither is needed: a primitive would take other load and store instructions.
      throw new IllegalArgumentException("a JDK method hook takes an object type: " + type);
    }
    return "L" + type.getName().replace('.', '/') + ";";
  }

  @Override
  public String toString() {
    return methods.className + "." + methods.names + " -> " + hookClass + "." + hookName;
  }
}
