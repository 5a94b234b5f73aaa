package dev.sqlorigin.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.instrumentation.jdbc.ConnectionInstrumentation.FailFastAdvice;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code DataSource.getConnection} fails fast for an abandoned request: borrowing a pooled
 * connection only to be refused at the first statement would keep it from requests still wanted.
 */
public final class DataSourceInstrumentation {

  /** The types whose implementations are instrumented (the agent pre-filters classes by them). */
  public static final List<String> SUPER_TYPES = List.of("javax.sql.DataSource");

  private DataSourceInstrumentation() {}

  public static ElementMatcher<TypeDescription> types() {
    return not(isInterface()).and(hasSuperType(namedOneOf(SUPER_TYPES.toArray(new String[0]))));
  }

  public static AgentBuilder.Transformer transformer() {
    return new AgentBuilder.Transformer.ForAdvice()
        .include(DataSourceInstrumentation.class.getClassLoader())
        .advice(named("getConnection").and(not(isAbstract())), FailFastAdvice.class.getName())
        .advice(named("getConnection").and(not(isAbstract())), ConnectAdvice.class.getName());
  }

  /**
   * Marks the thread as inside the pool while it gets a connection, so that the housekeeping the
   * pool submits from there (HikariCP's filler) does not carry the request to its threads.
   */
  public static class ConnectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter() {
      Binding binding = CurrentRequest.binding();
      if (binding != null) {
        binding.enterConnect();
      }
      return binding;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Binding binding) {
      if (binding != null) {
        binding.exitConnect();
      }
    }
  }
}
