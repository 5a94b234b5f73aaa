package dev.sqlorigin.agent;

import dev.sqlorigin.agent.cancel.PlatformMBeanServerInstrumentation;
import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Instruments the few JDK classes where tasks enter an executor, so that a request's context
 * follows its work to other threads, and the one that creates the platform MBean server, so that
 * the agent's MBean is registered when it is created. A weaver of its own, registered for
 * retransformation: the main one leaves the JDK alone, and some of these classes may be loaded
 * already when premain runs. It weaves plain calls ({@link JdkClassesWeaver}), after the weaver of
 * the application's classes is built (which the application's first servlet or driver waits for);
 * requests wait for it in turn ({@code RequestLifecycle.expect}).
 */
final class JdkClassesInstaller {

  private JdkClassesInstaller() {}

  /**
   * Weaves {@code hooks} into the bootstrap loader's classes; returns whether they are woven (a JVM
   * that cannot retransform, or refused, has been told about it in the log).
   */
  static boolean install(Instrumentation instrumentation, List<JdkMethodHook> hooks) {
    if (!instrumentation.isRetransformClassesSupported()) {
      AgentLog.warn(
          "this JVM cannot retransform classes: work handed to executors or other threads"
              + " carries no request context");
      return false;
    }
    // The advice calls core, which sits in the bootstrap loader's unnamed module: the modules of
    // the classes woven must read it, which a named module does not by default.
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
    } catch (RuntimeException e) {
      AgentLog.warnOnce(
          "retransform",
          "the JDK's modules cannot be made to read sqlorigin's core: work handed to"
              + " executors carries no request context",
          e);
      return false;
    }
    Set<String> names = new HashSet<>();
    for (JdkMethodHook each : hooks) {
      names.add(each.className());
    }
    // Only those loaded already are retransformed, on the agent's own thread; the others are woven
    // as they load, by the weaver registered below. Retransforming a class costs the JVM far more
    // than changing it on its way in (it rebuilds the class file, redefines the class at a
    // safepoint): loading them all here to retransform them took 40-60 ms, ahead of the weaver
    // the application's first class waits for, for classes most JVMs load later or never.
    // The weaver itself passes over every class but the named bootstrap ones. Registered before
    // the loaded classes are listed: one that loads in between is in the list and woven anew.
    instrumentation.addTransformer(new JdkClassesWeaver(hooks), true);
    List<Class<?>> present = new ArrayList<>();
    for (Class<?> each : instrumentation.getAllLoadedClasses()) {
      if (each.getClassLoader() != null || !names.contains(each.getName())) {
        continue;
      }
      try {
        // Linked before it is retransformed: the JVM rebuilds the class file of a class it
        // retransforms from its own copy, and that of a class another thread is linking at that
        // moment (its bytecodes being rewritten) comes out torn (JDK-8277444, fixed in late 2025
        // updates, not in every JDK a fleet runs). Java 11 crashed so, once, on a
        // ThreadPoolExecutor that Tomcat was constructing for the first time. Listing the
        // constructors links the class, or waits for the link in progress; it initialises nothing.
        each.getDeclaredConstructors();
        present.add(each);
      } catch (RuntimeException | LinkageError e) {
        AgentLog.warnOnce(
            "retransform:" + each.getName(),
            "sqlorigin leaves " + each.getName() + " as it is: it could not be linked",
            e);
      }
    }
    Class<?>[] loaded = present.toArray(new Class<?>[0]);
    try {
      if (loaded.length > 0) {
        instrumentation.retransformClasses(loaded);
      }
    } catch (Exception | LinkageError e) {
      // The application runs on, without propagation; said once.
      AgentLog.warnOnce(
          "retransform",
          "the JVM refused to retransform "
              + Arrays.toString(loaded)
              + ": work handed to executors carries no request context",
          e);
      return false;
    }
    for (Class<?> each : loaded) {
      if (PlatformMBeanServerInstrumentation.HOOK.className().equals(each.getName())) {
        PlatformMBeanServerInstrumentation.registerIfCreated(each);
      }
    }
    return true;
  }
}
