package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.cancel.StatementCanceller;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Cancels through {@link Statement#cancel()}, never the connection: once a pooled connection serves
 * another request, a connection-level cancel would hit that request's query. pgjdbc (since
 * 9.4.1205, so every 42.x) ignores a cancel for a statement that is no longer running.
 */
public final class JdbcStatementCanceller implements StatementCanceller {

  /** The JDBC URL without its parameters: its cancels share a cap. */
  @Override
  public String database(Object statement) throws SQLException {
    String url = ((Statement) statement).getConnection().getMetaData().getURL();
    int parameters = url == null ? -1 : url.indexOf('?');
    return parameters < 0 ? String.valueOf(url) : url.substring(0, parameters);
  }

  @Override
  public void cancel(Object statement) throws SQLException {
    ((Statement) statement).cancel();
  }

  /**
   * {@link Connection#abort}: pgjdbc closes the socket at once, without a round trip; the thread
   * blocked in the statement gets an I/O error, and a pool sees a broken connection and replaces
   * it. The server notices the closed connection only when it next writes to it.
   */
  @Override
  public void abort(Object statement) throws SQLException {
    ((Statement) statement).getConnection().abort(Runnable::run);
  }

  @Override
  public boolean wasCancelled(Throwable thrown) {
    return thrown instanceof SQLException && "57014".equals(((SQLException) thrown).getSQLState());
  }
}
