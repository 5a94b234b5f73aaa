package dev.sqlorigin.instrumentation.threads;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.util.concurrent.Callable;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Carries the current request into the tasks handed to the JDK's executors, where the task enters
 * them, so that a statement sent from a pool thread is tagged, registered in flight and cancelled
 * with its request. Outside a request the advice returns the task unchanged.
 *
 * <ul>
 *   <li>{@code ThreadPoolExecutor.execute}: every {@code submit}, {@code invokeAll} and {@code
 *       invokeAny} of the pools that {@code Executors} makes ends there; {@code
 *       ScheduledThreadPoolExecutor} does not go through it (its queue must hold its own task
 *       type), so scheduled tasks carry nothing.
 *   <li>{@code ForkJoinPool.execute/submit} of a Runnable or Callable (the common pool, {@code
 *       CompletableFuture.*Async} without an executor on JDK 19+, work-stealing pools). A {@code
 *       ForkJoinTask} (RecursiveTask, fork/join, parallel streams) carries nothing: it is joined as
 *       itself, and a wrapper would not be.
 *   <li>{@code CompletableFuture.ThreadPerTaskExecutor} (JDK 17 with a common pool of parallelism
 *       1, i.e. up to two CPUs: a new thread per async task).
 *   <li>{@code ThreadBuilders.newVirtualThread} (JDK 21+): {@code Thread.ofVirtual()}, {@code
 *       Thread.startVirtualThread}, {@code Executors.newVirtualThreadPerTaskExecutor()}.
 * </ul>
 */
public final class JdkExecutorInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              JdkExecutorInstrumentation.class,
              "java.util.concurrent.ThreadPoolExecutor",
              "java.util.concurrent.ForkJoinPool",
              "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor",
              "java.lang.ThreadBuilders")
          .advise(
              named("execute")
                  .and(takesArguments(Runnable.class))
                  .and(
                      declaredBy("ThreadPoolExecutor")
                          .or(declaredBy("CompletableFuture$ThreadPerTaskExecutor"))),
              CarryRunnableAdvice.class)
          .advise(
              namedOneOf("execute", "submit")
                  .and(takesArgument(0, Runnable.class))
                  .and(declaredBy("ForkJoinPool")),
              CarryToForkJoinPoolAdvice.class)
          .advise(
              named("submit").and(takesArguments(Callable.class)).and(declaredBy("ForkJoinPool")),
              CarryCallableAdvice.class)
          .advise(
              named("newVirtualThread")
                  .and(isStatic())
                  .and(takesArguments(4))
                  .and(takesArgument(3, Runnable.class)),
              CarryVirtualThreadTaskAdvice.class);

  private JdkExecutorInstrumentation() {}

  private static ElementMatcher.Junction<MethodDescription> declaredBy(String simpleName) {
    return isDeclaredBy(named("java.util.concurrent." + simpleName));
  }

  public static class CarryRunnableAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = CarriedTasks.carry(task);
    }
  }

  public static class CarryToForkJoinPoolAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = CarriedTasks.carryToForkJoinPool(task);
    }
  }

  public static class CarryCallableAdvice {
    @SuppressWarnings({"rawtypes", "unchecked"})
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) Callable task) {
      task = CarriedTasks.carry(task);
    }
  }

  public static class CarryVirtualThreadTaskAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 3, readOnly = false) Runnable task) {
      task = CarriedTasks.carry(task);
    }
  }
}
