package dev.sqlorigin.agent;

import static net.bytebuddy.matcher.ElementMatchers.none;

import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.threads.ThreadsInstrumentationModule;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Instruments the few JDK classes where tasks enter an executor, so that a request's context
 * follows its work to other threads. A weaver of its own, registered for retransformation: the main
 * one leaves the JDK alone, and these classes are already loaded when premain runs.
 */
final class JdkClassesInstaller {

  private JdkClassesInstaller() {}

  static void install(Instrumentation instrumentation) {
    if (!instrumentation.isRetransformClassesSupported()) {
      AgentLog.warn(
          "this JVM cannot retransform classes: work handed to executors or other threads"
              + " carries no request context");
      return;
    }
    // The advice calls core, which sits in the bootstrap loader's unnamed module: java.base must
    // read it, which a named module does not by default.
    try {
      instrumentation.redefineModule(
          Object.class.getModule(),
          Set.of(CarriedTasks.class.getModule()),
          Map.of(),
          Map.of(),
          Set.of(),
          Map.of());
    } catch (RuntimeException e) {
      AgentLog.warnOnce(
          "retransform",
          "java.base cannot be made to read sqlorigin's core: work handed to"
              + " executors carries no request context",
          e);
      return;
    }
    ClassFileTransformer byteBuddy =
        new Weaver(
            AgentInstaller.byteBuddy(),
            ThreadsInstrumentationModule.jdkTypeInstrumentations(),
            none());
    // The weaver sees the named bootstrap classes only, not every class the application loads.
    Set<String> names = new HashSet<>();
    for (TypeInstrumentation each : ThreadsInstrumentationModule.jdkTypeInstrumentations()) {
      names.addAll(each.names());
    }
    Set<String> internalNames =
        names.stream().map(name -> name.replace('.', '/')).collect(Collectors.toSet());
    instrumentation.addTransformer(
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              Module module,
              ClassLoader loader,
              String className,
              Class<?> classBeingRedefined,
              ProtectionDomain protectionDomain,
              byte[] classfileBuffer)
              throws IllegalClassFormatException {
            return loader == null && internalNames.contains(className)
                ? byteBuddy.transform(
                    module,
                    loader,
                    className,
                    classBeingRedefined,
                    protectionDomain,
                    classfileBuffer)
                : null;
          }
        },
        true);
    // ThreadPoolExecutor and ForkJoinPool are loaded before premain (the JVM uses them while
    // starting): changed in place; the others (ThreadBuilders, the JDK 17 CompletableFuture
    // executor) as they load. One loaded in between is retransformed from its original bytes: woven
    // once.
    Class<?>[] loaded =
        Arrays.stream(instrumentation.getAllLoadedClasses())
            .filter(type -> type.getClassLoader() == null && names.contains(type.getName()))
            .toArray(Class<?>[]::new);
    try {
      instrumentation.retransformClasses(loaded);
    } catch (Exception | LinkageError e) {
      // The application runs on, without propagation; said once.
      AgentLog.warnOnce(
          "retransform",
          "the JVM refused to retransform "
              + Arrays.toString(loaded)
              + ": work handed to executors carries no request context",
          e);
    }
  }
}
