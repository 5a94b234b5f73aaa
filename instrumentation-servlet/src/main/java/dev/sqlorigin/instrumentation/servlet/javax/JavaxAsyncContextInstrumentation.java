package dev.sqlorigin.instrumentation.servlet.javax;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import javax.servlet.AsyncContext;
import net.bytebuddy.asm.Advice;

/**
 * {@code javax.servlet.AsyncContext.start(Runnable)}: the container runs the task on a thread of
 * its own pool, which the JDK executor instrumentation does not see; the task carries the request.
 */
public final class JavaxAsyncContextInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(
              JavaxAsyncContextInstrumentation.class, "javax.servlet.AsyncContext")
          .advise(
              named("start").and(takesArguments(Runnable.class)).and(not(isAbstract())),
              StartAdvice.class);

  private JavaxAsyncContextInstrumentation() {}

  public static class StartAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This AsyncContext async,
        @Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = CarriedTasks.carry(task, async.getRequest().getAttribute(Sqlorigin.CONTEXT_ATTRIBUTE));
    }
  }
}
