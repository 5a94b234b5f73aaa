package dev.sqlorigin.instrumentation.jdbc;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.namedOneOf;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.MethodMatcher;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import java.sql.SQLException;

/**
 * {@code Statement.execute*} and {@code addBatch(String)}: tags the SQL, registers the statement as
 * in flight on its request for the time of the call (so that an abandoned request can cancel
 * exactly it), and refuses to run at all once the request was abandoned.
 */
public final class StatementInstrumentation {

  private static final MethodMatcher EXECUTES =
      not(isAbstract())
          .and(
              namedOneOf(
                  "execute",
                  "executeQuery",
                  "executeUpdate",
                  "executeLargeUpdate",
                  "executeBatch",
                  "executeLargeBatch"));

  /** The classes changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.subtypesOf(StatementInstrumentation.class, "java.sql.Statement")
          .methodsNamed(
              "execute",
              "executeQuery",
              "executeUpdate",
              "executeLargeUpdate",
              "executeBatch",
              "executeLargeBatch",
              "addBatch")
          .advise(
              EXECUTES
                  .and(takesArgument(0, String.class))
                  .or(named("addBatch").and(takesArguments(String.class)).and(not(isAbstract()))),
              TagSqlAdvice.class)
          .advise(EXECUTES, ExecuteAdvice.class);

  private StatementInstrumentation() {}

  public static class ExecuteAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    public static String onEnter(
        @Advice.This Object statement,
        @Advice.Argument(value = 0, optional = true) Object sql,
        @Advice.Local("sqloriginBinding") Binding binding) {
      binding = CurrentRequest.binding();
      if (binding == null) {
        Sqlorigin.statementOutsideRequest(statement);
        return null;
      }
      // The SQL of execute*(String), already tagged (TagSqlAdvice is applied first), for telemetry.
      String refusal =
          RequestLifecycle.statementStarted(
              binding, statement, sql instanceof String ? (String) sql : null);
      if (refusal != null) {
        binding = null;
      }
      return refusal;
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.This Object statement,
        @Advice.Enter String refusal,
        @Advice.Local("sqloriginBinding") Binding binding,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (refusal != null) {
        thrown = new SQLException(refusal, "57014");
      } else if (binding != null) {
        // The server's "canceling statement due to user request" does not say who asked, or why.
        String why = RequestLifecycle.statementEnded(binding, statement, thrown);
        if (why != null) {
          thrown = new SQLException(why, "57014", thrown);
        }
      }
    }
  }
}
