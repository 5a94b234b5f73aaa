package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.cancel.StatementCanceller;
import java.sql.Statement;

/**
 * Cancels through {@link Statement#cancel()}, never the connection: once a pooled connection serves
 * another request, a connection-level cancel would hit that request's query. pgjdbc (since
 * 9.4.1205, so every 42.x) ignores a cancel for a statement that is no longer running.
 */
public final class JdbcStatementCanceller implements StatementCanceller {
  @Override
  public void cancel(Object statement) throws Exception {
    ((Statement) statement).cancel();
  }
}
