package dev.sqlorigin.instrumentation.jdbc;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** What pgjdbc tells of a prepared statement's text, through a pool's proxy. */
class JdbcStatementTextTest {

  private final JdbcStatementText reader = new JdbcStatementText();

  @Test
  void aPooledPreparedStatementShowsItsSqlWithItsParameters() throws SQLException {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(TestDatabase.get().jdbcUrl());
    config.setUsername(TestDatabase.get().user());
    config.setPassword(TestDatabase.get().password());
    config.setMaximumPoolSize(1);
    try (HikariDataSource pool = new HikariDataSource(config);
        Connection connection = pool.getConnection();
        PreparedStatement statement = connection.prepareStatement("SELECT pg_sleep(?)")) {
      statement.setDouble(1, 0.5);
      String text = reader.of(statement);
      // pgjdbc writes the parameter's type its own way ('0.5'::double precision in 42.7).
      assertTrue(text.startsWith("SELECT pg_sleep(('0.5'::"), text);
    }
  }

  @Test
  void aPlainStatementHasNoTextOfItsOwn() throws SQLException {
    try (Connection connection = TestDatabase.get().connect();
        Statement statement = connection.createStatement()) {
      assertNull(reader.of(statement));
    }
  }
}
