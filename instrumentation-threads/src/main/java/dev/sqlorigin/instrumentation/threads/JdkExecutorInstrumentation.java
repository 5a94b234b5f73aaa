package dev.sqlorigin.instrumentation.threads;

import static dev.sqlorigin.instrumentation.JdkMethodHook.instanceMethods;
import static dev.sqlorigin.instrumentation.JdkMethodHook.replaceArgument;
import static dev.sqlorigin.instrumentation.JdkMethodHook.staticMethods;

import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.JdkMethodHook;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Carries the current request into the tasks handed to the JDK's executors, where the task enters
 * them, so that a statement sent from a pool thread is tagged, registered in flight and cancelled
 * with its request. Outside a request {@link CarriedTasks} returns the task unchanged.
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

  private static final String POOLS = "java.util.concurrent.";

  /** The calls woven, each replacing the task with what carries the current request. */
  public static final List<JdkMethodHook> HOOKS =
      List.of(
          replaceArgument(
              instanceMethods(POOLS + "ThreadPoolExecutor", "execute").taking(1),
              0,
              Runnable.class,
              CarriedTasks.class,
              "carry"),
          replaceArgument(
              instanceMethods(POOLS + "CompletableFuture$ThreadPerTaskExecutor", "execute")
                  .taking(1),
              0,
              Runnable.class,
              CarriedTasks.class,
              "carry"),
          replaceArgument(
              instanceMethods(POOLS + "ForkJoinPool", "execute", "submit"),
              0,
              Runnable.class,
              CarriedTasks.class,
              "carryToForkJoinPool"),
          replaceArgument(
              instanceMethods(POOLS + "ForkJoinPool", "submit").taking(1),
              0,
              Callable.class,
              CarriedTasks.class,
              "carry"),
          replaceArgument(
              staticMethods("java.lang.ThreadBuilders", "newVirtualThread").taking(4),
              3,
              Runnable.class,
              CarriedTasks.class,
              "carry"));

  private JdkExecutorInstrumentation() {}
}
