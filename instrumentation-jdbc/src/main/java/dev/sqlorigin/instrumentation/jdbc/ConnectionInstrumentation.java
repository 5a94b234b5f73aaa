package dev.sqlorigin.instrumentation.jdbc;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.namedOneOf;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.ShutdownGate;
import dev.sqlorigin.telemetry.TelemetryHooks;
import java.sql.SQLException;

/**
 * Tags the SQL of {@code Connection.prepareStatement(String, ...)} and {@code prepareCall(String,
 * ...)} in every driver and pool, matched by interface so that no driver class is named. A pool
 * proxy tags first; the driver it delegates to finds the comment already there and adds nothing.
 * Once the request was abandoned, creating or preparing a statement and committing fail fast (a
 * connection aborted under a timed-out cancel would otherwise answer with its pool's own error).
 */
public final class ConnectionInstrumentation {

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(ConnectionInstrumentation.class, "java.sql.Connection")
          .methodsNamed(
              "prepareStatement",
              "prepareCall",
              "createStatement",
              "commit",
              "rollback",
              "close",
              "setAutoCommit",
              "abort")
          .advise(
              namedOneOf("prepareStatement", "prepareCall")
                  .and(takesArgument(0, String.class))
                  .and(not(isAbstract())),
              PrepareAdvice.class)
          .advise(
              namedOneOf("createStatement", "prepareStatement", "prepareCall", "commit")
                  .and(not(isAbstract())),
              FailFastAdvice.class)
          .advise(
              namedOneOf("rollback", "close", "setAutoCommit", "abort").and(not(isAbstract())),
              CleanupAdvice.class)
          .advise(namedOneOf("close", "abort").and(not(isAbstract())), CloseAdvice.class);

  private ConnectionInstrumentation() {}

  /**
   * Tags the SQL like {@link TagSqlAdvice}, and hands the tagged text with the prepared statement
   * to telemetry: its executions, which take no SQL, are traced with it.
   */
  public static class PrepareAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static String onEnter(@Advice.Argument(value = 0, readOnly = false) String sql) {
      sql = Sqlorigin.tag(sql);
      return sql;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Enter String sql, @Advice.Return Object statement) {
      if (TelemetryHooks.enabled()) {
        TelemetryHooks.statementPrepared(statement, sql);
      }
    }
  }

  /** Lets the commits that drivers and pools issue while cleaning up through. */
  /**
   * While the JVM stops, a connection's {@code close} or {@code abort} (a pool shut down by the
   * application's own hook) waits until the cancels of the statements being abandoned were sent.
   */
  public static class CloseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter() {
      ShutdownGate.beforeClosing();
    }
  }

  public static class CleanupAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Binding onEnter() {
      Binding binding = CurrentRequest.binding();
      if (binding != null) {
        binding.enterCleanup();
      }
      return binding;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Enter Binding binding) {
      if (binding != null) {
        binding.exitCleanup();
      }
    }
  }

  /**
   * {@code createStatement}, {@code prepare*} and {@code commit()} of an abandoned request fail;
   * {@code rollback()} and {@code close()} are left alone so that the application can clean up.
   */
  public static class FailFastAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    public static String onEnter() {
      return RequestLifecycle.refusal();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter String refusal, @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (refusal != null) {
        thrown = new SQLException(refusal, "57014");
      }
    }
  }
}
