package dev.sqlorigin.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

import dev.sqlorigin.Sqlorigin;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Tags the SQL of {@code Statement.execute*(String, ...)} and {@code addBatch(String)}. A
 * {@code PreparedStatement}'s own {@code execute()} takes no SQL and was tagged at prepare time.
 */
public final class StatementInstrumentation {

  private StatementInstrumentation() {
  }

  public static ElementMatcher<TypeDescription> types() {
    return not(isInterface()).and(hasSuperType(named("java.sql.Statement")));
  }

  public static AgentBuilder.Transformer transformer() {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(StatementInstrumentation.class.getClassLoader())
        .advice(namedOneOf("execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch")
                .and(takesArgument(0, String.class))
                .and(not(isAbstract())),
            ExecuteAdvice.class.getName());
  }

  public static class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) String sql) {
      sql = Sqlorigin.tag(sql);
    }
  }
}
