package dev.sqlorigin.instrumentation.servlet.jakarta;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import jakarta.servlet.AsyncContext;
import net.bytebuddy.asm.Advice;

/**
 * {@code jakarta.servlet.AsyncContext.start(Runnable)}: the container runs the task on a thread of
 * its own pool, which the JDK executor instrumentation does not see; the task carries the request.
 */
public final class JakartaAsyncContextInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(
              JakartaAsyncContextInstrumentation.class, "jakarta.servlet.AsyncContext")
          .advise(
              named("start").and(takesArguments(Runnable.class)).and(not(isAbstract())),
              StartAdvice.class);

  private JakartaAsyncContextInstrumentation() {}

  public static class StartAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This AsyncContext async,
        @Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = CarriedTasks.carry(task, async.getRequest().getAttribute(Sqlorigin.CONTEXT_ATTRIBUTE));
    }
  }
}
