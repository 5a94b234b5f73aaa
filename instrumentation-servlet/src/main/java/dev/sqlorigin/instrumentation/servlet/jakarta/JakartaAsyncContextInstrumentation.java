package dev.sqlorigin.instrumentation.servlet.jakarta;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.CarriedTasks;
import jakarta.servlet.AsyncContext;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code jakarta.servlet.AsyncContext.start(Runnable)}: the container runs the task on a thread of
 * its own pool, which the JDK executor instrumentation does not see; the task carries the request.
 */
public final class JakartaAsyncContextInstrumentation {

  /** The types whose implementations are instrumented (the agent pre-filters classes by them). */
  public static final List<String> SUPER_TYPES = List.of("jakarta.servlet.AsyncContext");

  private JakartaAsyncContextInstrumentation() {}

  public static ElementMatcher<TypeDescription> types() {
    return not(isInterface()).and(hasSuperType(namedOneOf(SUPER_TYPES.toArray(new String[0]))));
  }

  public static AgentBuilder.Transformer transformer() {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(JakartaAsyncContextInstrumentation.class.getClassLoader())
        .advice(
            named("start").and(takesArguments(Runnable.class)).and(not(isAbstract())),
            StartAdvice.class.getName());
  }

  public static class StartAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(
        @Advice.This AsyncContext async,
        @Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = CarriedTasks.carry(task, async.getRequest().getAttribute(Sqlorigin.CONTEXT_ATTRIBUTE));
    }
  }
}
