package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.label.ApplicationName;
import dev.sqlorigin.log.AgentLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Sets {@code application_name} through the standard {@code Connection.setClientInfo}. pgjdbc
 * answers {@code getClientInfo("ApplicationName")} from the value the server reports, without a
 * round trip, so a connection that already carries the right name costs nothing; otherwise one
 * {@code SET} is sent, once per request and connection.
 */
public final class JdbcApplicationName implements ApplicationName.Labeler {

  private static final String PROPERTY = "ApplicationName";

  // setClientInfo runs a statement of its own, which comes back through the execute advice.
  private static final ThreadLocal<Boolean> LABELLING = new ThreadLocal<>();

  @Override
  public void label(Object statement, String requestId) {
    if (!(statement instanceof Statement) || LABELLING.get() != null) {
      return;
    }
    LABELLING.set(Boolean.TRUE);
    try {
      Connection connection = ((Statement) statement).getConnection();
      String wanted = ApplicationName.wanted(connection.getClientInfo(PROPERTY), requestId);
      if (wanted != null) {
        connection.setClientInfo(PROPERTY, wanted);
      }
    } catch (SQLException e) {
      // In a failed transaction (25P02), on a closed statement (55000) or a broken connection
      // (08…) the application's own statement is about to fail the same way and say so.
      String state = e.getSQLState();
      if (state == null
          || !(state.equals("25P02") || state.equals("55000") || state.startsWith("08"))) {
        cannotLabel(e);
      }
    } catch (RuntimeException e) {
      cannotLabel(e);
    } finally {
      LABELLING.remove();
    }
  }

  private static void cannotLabel(Exception e) {
    AgentLog.warnOnce(
        "application-name",
        "could not set application_name to the request ID ("
            + e
            + "); statements still carry the route",
        null);
  }
}
