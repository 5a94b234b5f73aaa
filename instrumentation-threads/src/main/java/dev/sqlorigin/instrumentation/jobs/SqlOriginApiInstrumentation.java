package dev.sqlorigin.instrumentation.jobs;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.Binding;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code dev.sqlorigin.api.SqlOrigin.run/call(origin, work)}: the work runs bound to a unit of work
 * named by {@code origin}, and the thread's previous binding comes back afterwards. The agent
 * carries no copy of that class: it instruments the application's own, wherever it was loaded, so
 * that the application and the agent never hold two unrelated classes.
 */
public final class SqlOriginApiInstrumentation {

  /** The one class instrumented, by name. */
  public static final String NAME = "dev.sqlorigin.api.SqlOrigin";

  private SqlOriginApiInstrumentation() {}

  public static ElementMatcher<TypeDescription> types() {
    return named(NAME);
  }

  public static AgentBuilder.Transformer transformer() {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(SqlOriginApiInstrumentation.class.getClassLoader())
        .advice(
            namedOneOf("run", "call")
                .and(isStatic())
                .and(takesArguments(2))
                .and(takesArgument(0, String.class)),
            UnitOfWorkAdvice.class.getName());
  }

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
