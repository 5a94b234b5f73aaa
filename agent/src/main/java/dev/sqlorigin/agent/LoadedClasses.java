package dev.sqlorigin.agent;

import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.Set;

/**
 * The direct super types of the classes a class loader has loaded already, as the JVM holds them
 * ({@code ClassLoader.findLoadedClass}, which loads nothing): what the class filter and the weaver
 * ask about a super type before they read its class file. A class loader defines a class only after
 * the agent has seen its class file, and the JVM loads a class's super types only after that too:
 * so a super type the agent met before is loaded, and a super type it never met is read from its
 * class file.
 *
 * <p>The filter kept, per class that declares none of the advised methods, its name and its super
 * types' names instead: a fifth of its CPU on a Spring Boot application's main thread at start (27
 * of 94 ms, async-profiler) and most of the 2.5 MiB the agent added to its live set, for the few
 * hundred classes that extend one of them. The JVM keeps all that anyway.
 */
class LoadedClasses {

  /** Finds no class: every super type is read from its class file. */
  static final LoadedClasses NONE = new LoadedClasses(null);

  private static final String OBJECT = "java/lang/Object";
  // Shared: never changed by whoever asks.
  private static final String[] EXTENDS_OBJECT = {OBJECT};

  // ClassLoader.findLoadedClass(String), protected: java.lang opened to the agent's classes.
  private final MethodHandle findLoadedClass;

  LoadedClasses(MethodHandle findLoadedClass) {
    this.findLoadedClass = findLoadedClass;
  }

  /**
   * Opens {@code java.lang} to the agent's own classes, for {@code findLoadedClass}; {@link #NONE}
   * when the JVM refuses (said at debug level: the super types are read from class files then, as
   * before the agent learnt this).
   */
  static LoadedClasses open(Instrumentation instrumentation) {
    Module agent = LoadedClasses.class.getModule();
    try {
      instrumentation.redefineModule(
          Object.class.getModule(),
          Set.of(),
          Map.of(),
          Map.of("java.lang", Set.of(agent)),
          Set.of(),
          Map.of());
      return opened();
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.debug("the super types of loaded classes are read from their class files: " + e);
      return NONE;
    }
  }

  /** As the JVM finds them, once {@code java.lang} is open to the agent's classes. */
  static LoadedClasses opened() throws ReflectiveOperationException {
    return new LoadedClasses(
        MethodHandles.privateLookupIn(ClassLoader.class, MethodHandles.lookup())
            .findVirtual(
                ClassLoader.class,
                "findLoadedClass",
                MethodType.methodType(Class.class, String.class)));
  }

  /**
   * The super class, if any, then the interfaces (internal names, as the class file names them) of
   * the class {@code name} (internal name) that {@code loader} or one of its parents has loaded;
   * null when none of them has (not loaded yet, or by another loader).
   */
  String[] superTypes(ClassLoader loader, String name) {
    if (findLoadedClass == null) {
      return null;
    }
    Class<?> loaded = null;
    String binaryName = name.replace('/', '.');
    for (ClassLoader at = loader; at != null && loaded == null; at = at.getParent()) {
      try {
        loaded = (Class<?>) findLoadedClass.invokeExact(at, binaryName);
      } catch (Throwable t) {
        return null;
      }
    }
    return loaded == null ? null : superTypes(loaded);
  }

  private static String[] superTypes(Class<?> type) {
    Class<?> superClass = type.getSuperclass();
    Class<?>[] interfaces = type.getInterfaces();
    if (superClass == Object.class && interfaces.length == 0) {
      return EXTENDS_OBJECT;
    }
    String[] superTypes = new String[(superClass == null ? 0 : 1) + interfaces.length];
    int next = 0;
    if (superClass != null) {
      superTypes[next++] = internal(superClass);
    }
    for (Class<?> each : interfaces) {
      superTypes[next++] = internal(each);
    }
    return superTypes;
  }

  private static String internal(Class<?> type) {
    return type == Object.class ? OBJECT : type.getName().replace('.', '/');
  }
}
