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
 * Tags the SQL of {@code Connection.prepareStatement(String, ...)} and
 * {@code prepareCall(String, ...)} in every driver and pool, matched by interface so that no
 * driver class is named. A pool proxy tags first; the driver it delegates to finds the comment
 * already there and adds nothing.
 */
public final class ConnectionInstrumentation {

  private ConnectionInstrumentation() {
  }

  public static ElementMatcher<TypeDescription> types() {
    return not(isInterface()).and(hasSuperType(named("java.sql.Connection")));
  }

  public static AgentBuilder.Transformer transformer() {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(ConnectionInstrumentation.class.getClassLoader())
        .advice(namedOneOf("prepareStatement", "prepareCall")
                .and(takesArgument(0, String.class))
                .and(not(isAbstract())),
            PrepareAdvice.class.getName());
  }

  public static class PrepareAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) String sql) {
      sql = Sqlorigin.tag(sql);
    }
  }
}
