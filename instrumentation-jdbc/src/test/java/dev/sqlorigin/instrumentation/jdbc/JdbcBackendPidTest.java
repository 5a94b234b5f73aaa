package dev.sqlorigin.instrumentation.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sqlorigin.testing.TestDatabase;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The pid that pgjdbc knows, read as PostgreSQL itself reports it, through a pool and without. */
class JdbcBackendPidTest {

  private final JdbcBackendPid reader = new JdbcBackendPid();

  private static int serverPid(Statement statement) throws SQLException {
    try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aDriverStatementNamesItsBackend() throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        Statement statement = connection.createStatement()) {
      int pid = serverPid(statement);
      assertTrue(pid > 0);
      assertEquals(pid, reader.of(statement));
    }
  }

  @Test
  void aPooledStatementIsUnwrappedToItsDriverConnection() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(TestDatabase.get().jdbcUrl());
    config.setUsername(TestDatabase.get().user());
    config.setPassword(TestDatabase.get().password());
    config.setMaximumPoolSize(2);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      for (int borrow = 0; borrow < 3; borrow++) {
        try (Connection connection = pool.getConnection();
            Statement statement = connection.prepareStatement("SELECT 1")) {
          assertTrue(
              statement.getClass().getName().contains("Hikari"), statement.getClass().getName());
          assertEquals(serverPid(connection.createStatement()), reader.of(statement));
        }
      }
    }
  }

  @Test
  void aWrapperWhoseLoaderCannotSeeTheDriverIsUnwrappedOneLevelIn() throws SQLException {
    try (Connection real = TestDatabase.get().connect();
        Statement realStatement = real.createStatement()) {
      int pid = serverPid(realStatement);
      // A JDK proxy (defined where pgjdbc is not visible) that only unwraps to the connection.
      Connection wrapper =
          proxy(
              Connection.class,
              (method, args) ->
                  method.equals("unwrap") && args[0] == Connection.class
                      ? real
                      : method.equals("isWrapperFor") ? false : null);
      Statement statement =
          proxy(Statement.class, (method, args) -> method.equals("getConnection") ? wrapper : null);
      assertEquals(pid, reader.of(statement));
    }
  }

  @Test
  void anotherDriverOrAStatementThatFailsReadsAsZero() {
    Connection other =
        proxy(Connection.class, (method, args) -> method.equals("unwrap") ? null : false);
    assertEquals(0, reader.of(proxy(Statement.class, (method, args) -> other)));
    assertEquals(
        0,
        reader.of(
            proxy(
                Statement.class,
                (method, args) -> {
                  throw new SQLException("statement is closed", "55000");
                })));
    assertEquals(0, reader.of("not a statement"));
  }

  interface Answer {
    Object answer(String method, Object[] args) throws Exception;
  }

  /**
   * A JDBC object of another kind (defined in a loader that does not see pgjdbc): answers what
   * {@code answer} says, and is a plain object for the rest.
   */
  private static <T> T proxy(Class<T> type, Answer answer) {
    return type.cast(
        Proxy.newProxyInstance(
            ClassLoader.getPlatformClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "equals":
                  return proxy == args[0];
                case "toString":
                  return type.getSimpleName() + " proxy";
                default:
                  return answer.answer(method.getName(), args);
              }
            }));
  }
}
