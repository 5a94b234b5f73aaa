package dev.sqlorigin.instrumentation.jdbc;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.ConnectionWait;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.jdbc.ConnectionInstrumentation.FailFastAdvice;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import java.sql.SQLException;

/**
 * {@code DataSource.getConnection} fails fast for an abandoned request: borrowing a pooled
 * connection only to be refused at the first statement would keep it from requests still wanted. A
 * request abandoned while it waits there stops waiting.
 */
public final class DataSourceInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(DataSourceInstrumentation.class, "javax.sql.DataSource")
          .methodsNamed("getConnection")
          .advise(named("getConnection").and(not(isAbstract())), FailFastAdvice.class)
          .advise(named("getConnection").and(not(isAbstract())), ConnectAdvice.class);

  private DataSourceInstrumentation() {}

  /**
   * Marks the thread as inside the pool while it gets a connection, so that the housekeeping the
   * pool submits from there (HikariCP's filler) does not carry the request to its threads; and
   * registers the wait, so that a request abandoned meanwhile (its deadline, its client gone) stops
   * waiting: its thread is interrupted there, and only there, and getConnection fails with SQLState
   * 57014 instead of the pool's own error.
   */
  public static class ConnectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static ConnectionWait onEnter(@Advice.Local("sqloriginBinding") Binding binding) {
      binding = CurrentRequest.binding();
      return binding == null ? null : RequestLifecycle.connectionWaitStarted(binding);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Local("sqloriginBinding") Binding binding,
        @Advice.Enter ConnectionWait wait,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (binding != null) {
        String refusal = RequestLifecycle.connectionWaitEnded(binding, wait);
        // A connection that came despite the interrupt goes to the application, whose next
        // statement fails fast: throwing would leak it.
        if (refusal != null && thrown != null && !refusal.equals(thrown.getMessage())) {
          thrown = new SQLException(refusal, "57014", thrown);
        }
      }
    }
  }
}
