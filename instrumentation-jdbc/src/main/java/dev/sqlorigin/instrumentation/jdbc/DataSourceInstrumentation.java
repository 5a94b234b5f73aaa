package dev.sqlorigin.instrumentation.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.jdbc.ConnectionInstrumentation.FailFastAdvice;
import net.bytebuddy.asm.Advice;

/**
 * {@code DataSource.getConnection} fails fast for an abandoned request: borrowing a pooled
 * connection only to be refused at the first statement would keep it from requests still wanted.
 */
public final class DataSourceInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(DataSourceInstrumentation.class, "javax.sql.DataSource")
          .advise(named("getConnection").and(not(isAbstract())), FailFastAdvice.class)
          .advise(named("getConnection").and(not(isAbstract())), ConnectAdvice.class);

  private DataSourceInstrumentation() {}

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
