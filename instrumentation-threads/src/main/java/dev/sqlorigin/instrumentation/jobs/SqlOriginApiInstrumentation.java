package dev.sqlorigin.instrumentation.jobs;

import static dev.sqlorigin.instrumentation.MethodMatchers.isStatic;
import static dev.sqlorigin.instrumentation.MethodMatchers.namedOneOf;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;

/**
 * The jobs request source, {@code dev.sqlorigin.api.SqlOrigin.run/call(origin, work)}: the work
 * runs as a request of its own named by {@code origin} (an ID of its own, no deadline; cancellable
 * by the operator and at shutdown), bound over whatever the thread was bound to, which comes back
 * afterwards. The agent carries no copy of that class: it instruments the application's own,
 * wherever it was loaded, so that the application and the agent never hold two unrelated classes.
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
      RequestContext context = RequestLifecycle.start(RequestStart.job(origin));
      return context == null ? null : RequestLifecycle.bind(context);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Binding binding, @Advice.Thrown Throwable thrown) {
      if (binding != null) {
        RequestLifecycle.end(binding, 0, thrown);
      }
    }
  }
}
