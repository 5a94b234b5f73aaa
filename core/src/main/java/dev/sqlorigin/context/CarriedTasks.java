package dev.sqlorigin.context;

import dev.sqlorigin.log.AgentLog;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RunnableFuture;

/**
 * Carries the current request to the thread that runs a task: the JDK's executors call these where
 * a task enters (calls woven into {@code ThreadPoolExecutor.execute}, {@code ForkJoinPool}
 * submissions, virtual thread creation), and never get an exception from them. Outside a request
 * the task is returned as it is: nothing changes and nothing is allocated. Nor are the tasks that a
 * driver or a pool submits for itself while the request's thread is inside it (see {@link
 * Binding#insideJdbc}).
 */
public final class CarriedTasks {

  // The JDK 21+ virtual-thread scheduler is a ForkJoinPool, and starting or unparking a virtual
  // thread from a request thread submits the thread's continuation to it: that is no task of the
  // request (the virtual thread carries the request itself, from its creation), so it stays bare.
  private static final String VIRTUAL_THREAD_CONTINUATION = "java.lang.VirtualThread$";

  private CarriedTasks() {}

  /** {@code task}, or a wrapper that runs it bound to the current request. */
  public static Runnable carry(Runnable task) {
    try {
      Binding binding = CurrentRequest.binding();
      if (binding == null
          || task == null
          || task instanceof CarriedRunnable
          || binding.insideJdbc()) {
        return task;
      }
      // A FutureTask from submit() stays a Future: shutdownNow()'s list is still castable.
      return task instanceof RunnableFuture
          ? new CarriedRunnableFuture<>(binding.context(), (RunnableFuture<?>) task)
          : new CarriedRunnable(binding.context(), task);
    } catch (Throwable t) {
      return uncarried(task, t);
    }
  }

  /**
   * For {@code ForkJoinPool.execute/submit(Runnable)}: a {@code ForkJoinTask} that is also a
   * Runnable is scheduled as itself and may be joined by whoever holds it, so only plain runnables
   * and {@code CompletableFuture}'s own async tasks (which nobody else holds) are wrapped.
   */
  public static Runnable carryToForkJoinPool(Runnable task) {
    try {
      if (task instanceof ForkJoinTask
              && !(task instanceof CompletableFuture.AsynchronousCompletionTask)
          || task != null && task.getClass().getName().startsWith(VIRTUAL_THREAD_CONTINUATION)) {
        return task;
      }
      return carry(task);
    } catch (Throwable t) {
      return uncarried(task, t);
    }
  }

  /**
   * For {@code AsyncContext.start}: carries the current request, or, called from a thread that
   * serves none, the request whose async context it is ({@code requestAttribute}, the request's
   * {@code ServletAsyncListener.CONTEXT_ATTRIBUTE}).
   */
  public static Runnable carry(Runnable task, Object requestAttribute) {
    if (CurrentRequest.binding() != null
        || !(requestAttribute instanceof RequestContext)
        || task == null
        || task instanceof CarriedRunnable) {
      return carry(task);
    }
    return new CarriedRunnable((RequestContext) requestAttribute, task);
  }

  /** {@code task}, or a wrapper that calls it bound to the current request. */
  public static <T> Callable<T> carry(Callable<T> task) {
    try {
      Binding binding = CurrentRequest.binding();
      if (binding == null
          || task == null
          || task instanceof CarriedCallable
          || binding.insideJdbc()) {
        return task;
      }
      return new CarriedCallable<>(binding.context(), task);
    } catch (Throwable t) {
      return uncarried(task, t);
    }
  }

  /**
   * The JDK's executors call the methods above with no handler of their own around the call (they
   * are woven with plain calls, see {@code JdkMethodHook}): whatever fails here, the task goes on
   * as it came, and the log says so once.
   */
  private static <T> T uncarried(T task, Throwable failure) {
    AgentLog.warnOnce(
        "carry", "a task handed to an executor runs without its request's context", failure);
    return task;
  }
}
