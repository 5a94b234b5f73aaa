package dev.sqlorigin.instrumentation.servlet;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.source.ServletAsyncListener;
import jakarta.servlet.AsyncContext;

/**
 * {@code AsyncContext.start(Runnable)}: the container runs the task on a thread of its own pool,
 * which the JDK executor instrumentation does not see; the task carries the request. Written once
 * against {@value ServletInstrumentation#WRITTEN_FOR}, like {@link ServletInstrumentation}.
 */
public final class AsyncContextInstrumentation {

  private AsyncContextInstrumentation() {}

  /** The instrumentation for the servlet API of {@code basePackage}. */
  public static TypeInstrumentation forPackage(String basePackage) {
    return TypeInstrumentation.subtypesOf(
            AsyncContextInstrumentation.class, basePackage + ".AsyncContext")
        .methodsNamed("start")
        .advise(
            named("start").and(takesArguments(Runnable.class)).and(not(isAbstract())),
            StartAdvice.class,
            ServletInstrumentation.WRITTEN_FOR,
            basePackage)
        .called("AsyncContextInstrumentation[" + basePackage + "]");
  }

  public static class StartAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This AsyncContext async,
        @Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task =
          CarriedTasks.carry(
              task, async.getRequest().getAttribute(ServletAsyncListener.CONTEXT_ATTRIBUTE));
    }
  }
}
