package dev.sqlorigin.agent;

import dev.sqlorigin.agent.cancel.PlatformMBeanServerInstrumentation;
import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Instruments the few JDK classes where tasks enter an executor, so that a request's context
 * follows its work to other threads, and the one that creates the platform MBean server, so that
 * the agent's MBean is registered when it is created. It weaves plain calls ({@link
 * JdkClassesWeaver}) after the weaver of the application's classes is built (which the
 * application's first servlet or driver waits for); requests wait for it in turn ({@code
 * RequestLifecycle.expect}).
 *
 * <p>Each class is loaded if it is not (not initialised), and redefined from its class file in the
 * JDK's image with the calls in. A definition stays: another agent's retransformation of the class
 * starts from it, calls and all, and no transformer of ours has to stay registered for that, which
 * would keep the JVM's class-load hook on for every class (see {@link ClassDefinitionsInstaller}).
 * The class file comes from the JDK's image, not rebuilt from the class the JVM holds, as a
 * retransformation does: the torn copy of a class another thread is linking (JDK-8277444, which
 * once crashed a Java 11 retransforming Tomcat's first {@code ThreadPoolExecutor}) cannot arise.
 */
final class JdkClassesInstaller {

  private JdkClassesInstaller() {}

  /**
   * Weaves {@code hooks} into the bootstrap loader's classes; returns whether they are woven (a JVM
   * that cannot redefine them, or refused, has been told about it in the log).
   */
  static boolean install(Instrumentation instrumentation, List<JdkMethodHook> hooks) {
    if (!instrumentation.isRedefineClassesSupported()) {
      AgentLog.warn(
          "this JVM cannot redefine classes: work handed to executors or other threads"
              + " carries no request context");
      return false;
    }
    if (!modulesReadCore(instrumentation)) {
      return false;
    }
    Map<String, List<JdkMethodHook>> byClass = new LinkedHashMap<>();
    for (JdkMethodHook each : hooks) {
      byClass.computeIfAbsent(each.className(), name -> new ArrayList<>()).add(each);
    }
    // Those loaded before they are woven: a platform MBean server may exist already.
    Set<String> loaded = new HashSet<>();
    for (Class<?> each : instrumentation.getAllLoadedClasses()) {
      if (each.getClassLoader() == null && byClass.containsKey(each.getName())) {
        loaded.add(each.getName());
      }
    }
    List<ClassDefinition> definitions = new ArrayList<>();
    for (Map.Entry<String, List<JdkMethodHook>> each : byClass.entrySet()) {
      ClassDefinition definition = woven(each.getKey(), each.getValue());
      if (definition != null) {
        definitions.add(definition);
      }
    }
    try {
      instrumentation.redefineClasses(definitions.toArray(new ClassDefinition[0]));
    } catch (Exception | LinkageError e) {
      // The application runs on, without propagation; said once.
      AgentLog.warnOnce(
          "retransform",
          "the JVM refused to redefine "
              + byClass.keySet()
              + ": work handed to executors carries no request context",
          e);
      return false;
    }
    for (ClassDefinition each : definitions) {
      Class<?> woven = each.getDefinitionClass();
      if (loaded.contains(woven.getName())
          && PlatformMBeanServerInstrumentation.HOOK.className().equals(woven.getName())) {
        // Created before: registered now; created after, by the call woven in.
        PlatformMBeanServerInstrumentation.registerIfCreated(woven);
      }
    }
    return true;
  }

  /**
   * Makes the JDK's modules whose classes the agent weaves read core, which sits in the bootstrap
   * loader's unnamed module (a named module does not read it by default): before any call into it
   * is woven, for a call that resolved before would fail for good. Returns whether they do; said
   * once if not.
   */
  static boolean modulesReadCore(Instrumentation instrumentation) {
    try {
      for (String name : List.of("java.base", "java.management")) {
        Optional<Module> module = ModuleLayer.boot().findModule(name);
        if (module.isPresent()) {
          instrumentation.redefineModule(
              module.get(),
              Set.of(CarriedTasks.class.getModule()),
              Map.of(),
              Map.of(),
              Set.of(),
              Map.of());
        }
      }
      return true;
    } catch (RuntimeException e) {
      AgentLog.warnOnce(
          "retransform",
          "the JDK's modules cannot be made to read sqlorigin's core: work handed to executors"
              + " carries no request context",
          e);
      return false;
    }
  }

  /**
   * The definition of the JDK's {@code className} with {@code hooks} woven in; null when this JDK
   * has no such class (a later JDK's, such as {@code java.lang.ThreadBuilders}) or it cannot be
   * woven (said once).
   */
  private static ClassDefinition woven(String className, List<JdkMethodHook> hooks) {
    Class<?> type;
    try {
      type = Class.forName(className, false, null);
    } catch (ClassNotFoundException | LinkageError absent) {
      return null;
    }
    String file = "/" + className.replace('.', '/') + ".class";
    try (InputStream in = type.getResourceAsStream(file)) {
      byte[] woven =
          in == null ? null : JdkClassesWeaver.weaveOrLeave(className, in.readAllBytes(), hooks);
      return woven == null ? null : new ClassDefinition(type, woven);
    } catch (IOException e) {
      AgentLog.warnOnce("jdk-weave", "sqlorigin could not read the JDK's " + file + ": " + e, null);
      return null;
    }
  }
}
