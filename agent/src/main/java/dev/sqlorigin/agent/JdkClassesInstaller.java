package dev.sqlorigin.agent;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.threads.JdkExecutorInstrumentation;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;

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
    new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
        // A retransformed class may not gain or lose members: advice inlined into existing methods
        // is the only change allowed, and all we make.
        .disableClassFormatChanges()
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        // ThreadPoolExecutor and ForkJoinPool are loaded before premain (the JVM uses them while
        // starting): change the loaded classes in place, and the later-loaded ones (ThreadBuilders,
        // the JDK 17 CompletableFuture executor) as they load.
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        // If the JVM refuses, say so once; the application runs on, without propagation.
        .with(new AgentBuilder.RedefinitionStrategy.Listener.Adapter() {
          @Override
          public Iterable<? extends List<Class<?>>> onError(int index, List<Class<?>> batch,
              Throwable throwable, List<Class<?>> types) {
            AgentLog.warnOnce("retransform", "the JVM refused to retransform " + batch
                + ": work handed to executors carries no request context", throwable);
            return super.onError(index, batch, throwable, types);
          }
        })
        .with(new InstrumentationListener())
        // Only bootstrap classes, and of them only the ones named by the instrumentation: nothing
        // else of the JDK, nothing of the application (the main builder handles that).
        .ignore(any(), not(isBootstrapClassLoader()))
        // The advice calls core, which sits in the bootstrap loader's unnamed module: java.base
        // must read it, which a named module does not by default.
        .assureReadEdgeTo(instrumentation, CarriedTasks.class)
        .type(JdkExecutorInstrumentation.types()).transform(JdkExecutorInstrumentation.transformer())
        .installOn(instrumentation);
  }
}
