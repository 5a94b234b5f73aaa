package dev.sqlorigin.instrumentation.jobs;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import net.bytebuddy.asm.Advice;

/**
 * {@code dev.sqlorigin.api.SqlOrigin.run/call(origin, work)}: the work runs bound to a unit of work
 * named by {@code origin}, and the thread's previous binding comes back afterwards. The agent
 * carries no copy of that class: it instruments the application's own, wherever it was loaded, so
 * that the application and the agent never hold two unrelated classes.
 */
public final class SqlOriginApiInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              SqlOriginApiInstrumentation.class, "dev.sqlorigin.api.SqlOrigin")
          .advise(
              namedOneOf("run", "call")
                  .and(isStatic())
                  .and(takesArguments(2))
                  .and(takesArgument(0, String.class)),
              UnitOfWorkAdvice.class);

  private SqlOriginApiInstrumentation() {}

  public static class UnitOfWorkAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter(@Advice.Argument(0) String origin) {
      return Sqlorigin.startJob(origin);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Binding binding) {
      if (binding != null) {
        Sqlorigin.endJob(binding);
      }
    }
  }
}
