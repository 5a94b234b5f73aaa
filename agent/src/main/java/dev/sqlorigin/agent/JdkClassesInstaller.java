package dev.sqlorigin.agent;

import static net.bytebuddy.matcher.ElementMatchers.none;

import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.threads.JdkExecutorInstrumentation;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Instruments the few JDK classes where tasks enter an executor, so that a request's context
 * follows its work to other threads. A builder of its own: the main one leaves the JDK alone, and
 * these classes are already loaded when premain runs.
 */
final class JdkClassesInstaller {

  private JdkClassesInstaller() {
  }

  static void install(Instrumentation instrumentation) {
    if (!instrumentation.isRetransformClassesSupported()) {
      AgentLog.warn("this JVM cannot retransform classes: work handed to executors or other threads"
          + " carries no request context");
      return;
    }
    ClassFileTransformer byteBuddy = new AgentBuilder.Default(AgentInstaller.byteBuddy())
        // A retransformed class may not gain or lose members: advice inlined into existing methods
        // is the only change allowed, and all we make.
        .disableClassFormatChanges()
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        .with(new InstrumentationListener())
        // Byte Buddy leaves the bootstrap loader's classes alone by default; these are ours to
        // change, and the filter below hands it nothing else.
        .ignore(none())
        // The advice calls core, which sits in the bootstrap loader's unnamed module: java.base
        // must read it, which a named module does not by default.
        .assureReadEdgeTo(instrumentation, CarriedTasks.class)
        .type(JdkExecutorInstrumentation.types()).transform(JdkExecutorInstrumentation.transformer())
        .makeRaw();
    // Byte Buddy sees the named bootstrap classes only. Installed on its own, its transformer would
    // describe every class the application loads, tens of thousands in a Spring Boot application,
    // to find these four: a second of start-up in the JIT alone.
    Set<String> names = Set.copyOf(JdkExecutorInstrumentation.NAMES);
    Set<String> internalNames = names.stream().map(name -> name.replace('.', '/')).collect(Collectors.toSet());
    instrumentation.addTransformer(new ClassFileTransformer() {
      @Override
      public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
          ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
        return loader == null && internalNames.contains(className)
            ? byteBuddy.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer)
            : null;
      }
    }, true);
    // ThreadPoolExecutor and ForkJoinPool are loaded before premain (the JVM uses them while
    // starting): changed in place; the others (ThreadBuilders, the JDK 17 CompletableFuture
    // executor) as they load. One loaded in between is retransformed from its original bytes: woven
    // once.
    Class<?>[] loaded = Arrays.stream(instrumentation.getAllLoadedClasses())
        .filter(type -> type.getClassLoader() == null && names.contains(type.getName()))
        .toArray(Class<?>[]::new);
    try {
      instrumentation.retransformClasses(loaded);
    } catch (Exception | LinkageError e) {
      // The application runs on, without propagation; said once.
      AgentLog.warnOnce("retransform", "the JVM refused to retransform " + Arrays.toString(loaded)
          + ": work handed to executors carries no request context", e);
    }
  }
}
