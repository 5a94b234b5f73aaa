package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.database.BackendPid;
import dev.sqlorigin.database.WeakIdentityMap;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Reads pgjdbc's {@code PGConnection.getBackendPID()} (the pid the server sent when the connection
 * opened: no round trip) through whatever wraps the connection (a pool's proxy), once per
 * connection. pgjdbc's classes are not named in code: the interface is looked up in the class
 * loader of the connection at hand, so one agent serves every application and driver version; any
 * other driver reads as 0.
 */
public final class JdbcBackendPid implements BackendPid.Reader {

  private static final String PG_CONNECTION = "org.postgresql.PGConnection";
  // Wrappers around wrappers (a pool inside a tracing proxy inside a transaction proxy): a few at
  // most; the bound keeps a wrapper that unwraps to a new wrapper each time from looping.
  private static final int MAX_WRAPPERS = 8;

  // PGConnection.getBackendPID as seen from a connection class's loader, if it sees pgjdbc.
  private static final ClassValue<Optional<Method>> GET_BACKEND_PID =
      new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> type) {
          try {
            Class<?> pg = Class.forName(PG_CONNECTION, false, type.getClassLoader());
            return Optional.of(pg.getMethod("getBackendPID"));
          } catch (ReflectiveOperationException | LinkageError e) {
            return Optional.empty();
          }
        }
      };

  // By pgjdbc's own connection, which lives as long as its backend; by the connection at hand for
  // another driver (0). Not by a pool's proxy, which is new at every borrow: that would read the
  // pid again and add a weakly held entry per request. Weak, so that closed connections go.
  private final WeakIdentityMap<Integer> pids = new WeakIdentityMap<>();

  @Override
  public int of(Object statement) {
    if (!(statement instanceof Statement)) {
      return 0;
    }
    Connection connection;
    try {
      connection = ((Statement) statement).getConnection();
    } catch (SQLException e) {
      return 0; // closed
    }
    if (connection == null) {
      return 0;
    }
    Integer known = pids.get(connection);
    if (known != null) {
      return known;
    }
    Object driverConnection = driverConnection(connection);
    if (driverConnection == null) {
      pids.put(connection, 0);
      return 0;
    }
    known = pids.get(driverConnection);
    if (known == null) {
      known = read(driverConnection);
      pids.put(driverConnection, known);
    }
    return known;
  }

  /** pgjdbc's connection inside {@code connection} (itself if it is one), or null. */
  private static Object driverConnection(Connection connection) {
    Connection current = connection;
    try {
      for (int i = 0; i < MAX_WRAPPERS && current != null; i++) {
        Optional<Method> getPid = GET_BACKEND_PID.get(current.getClass());
        if (getPid.isPresent()) {
          Class<?> pg = getPid.get().getDeclaringClass();
          if (pg.isInstance(current)) {
            return current;
          }
          if (current.isWrapperFor(pg)) {
            return current.unwrap(pg);
          }
        }
        // This wrapper's class loader does not see pgjdbc (or it is not pgjdbc): one level in.
        Connection inner = current.unwrap(Connection.class);
        if (inner == current) {
          return null;
        }
        current = inner;
      }
    } catch (SQLException | RuntimeException e) {
      return null;
    }
    return null;
  }

  private static int read(Object driverConnection) {
    try {
      Optional<Method> getPid = GET_BACKEND_PID.get(driverConnection.getClass());
      return getPid.isPresent() ? (Integer) getPid.get().invoke(driverConnection) : 0;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return 0;
    }
  }
}
