package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.database.StatementText;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A prepared statement's SQL, asked of its driver: pgjdbc's {@code PreparedStatement.toString()}
 * gives it, with the bound parameters in place. Through a pool's proxy (whose own {@code toString}
 * names the proxy) by {@code unwrap(Statement.class)}. Drivers that keep {@code Object}'s {@code
 * toString} give nothing.
 */
public final class JdbcStatementText implements StatementText.Reader {

  @Override
  public String of(Object statement) {
    Object driver = statement;
    if (statement instanceof Statement) {
      try {
        Statement inner = ((Statement) statement).unwrap(Statement.class);
        if (inner != null) {
          driver = inner;
        }
      } catch (SQLException | RuntimeException e) {
        // not a wrapper: the statement itself
      }
    }
    String text = driver.toString();
    boolean objectDefault =
        text == null
            || text.startsWith(driver.getClass().getName() + "@")
                && text.length() <= driver.getClass().getName().length() + 9;
    return objectDefault ? null : text;
  }
}
