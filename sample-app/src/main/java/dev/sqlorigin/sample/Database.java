package dev.sqlorigin.sample;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Start-up of the database side: the optional embedded server, the pool, the schema and its seed
 * data.
 */
final class Database {

  /**
   * The same for every instance of the app, and unlikely to clash with another application's lock.
   */
  private static final long SCHEMA_LOCK = "sqlorigin sample-app schema".hashCode();

  private Database() {}

  static EmbeddedPostgres startEmbedded() throws IOException {
    // SampleApp's own shutdown hook stops the server, after Jetty and the pool; a second hook would
    // race them.
    return EmbeddedPostgres.builder().setRegisterShutdownHook(false).start();
  }

  static DatabaseUrl urlOf(EmbeddedPostgres embedded) {
    return DatabaseUrl.parse(embedded.getJdbcUrl("postgres", "postgres"));
  }

  static HikariDataSource openPool(DatabaseUrl url, int poolSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url.jdbcUrl());
    config.setMaximumPoolSize(poolSize);
    config.setPoolName("sample-app");
    return new HikariDataSource(config);
  }

  static void createSchema(DataSource dataSource) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      // Several apps (parallel tests, say) may start against one database: the lock makes exactly
      // one of
      // them create and seed the tables, where CREATE TABLE IF NOT EXISTS alone can still fail on a
      // race.
      statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS owners ("
              + "id serial PRIMARY KEY, "
              + "name text NOT NULL)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS campaign_participations ("
              + "id serial PRIMARY KEY, "
              + "campaign_id int NOT NULL, "
              + "learner text NOT NULL, "
              + "status text NOT NULL DEFAULT 'pending', "
              + "updated_at timestamptz NOT NULL DEFAULT now())");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS imports ("
              + "id serial PRIMARY KEY, "
              + "campaign_id int NOT NULL, "
              + "rows int NOT NULL, "
              + "created_at timestamptz NOT NULL DEFAULT now())");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS campaigns ("
              + "id int PRIMARY KEY, "
              + "name text NOT NULL, "
              + "owner_id int NOT NULL REFERENCES owners (id))");
      statement.execute(
          "CREATE INDEX IF NOT EXISTS campaign_participations_learner "
              + "ON campaign_participations (campaign_id, learner)");
      statement.execute(
          "CREATE INDEX IF NOT EXISTS imports_campaign ON imports (campaign_id, created_at)");
      // By ID and whatever is there already: the tests' other applications share the database
      // and may have created owners first, with a few rows of their own.
      statement.executeUpdate(
          "INSERT INTO owners (id, name) "
              + "SELECT i, 'Owner ' || i FROM generate_series(1, 100) AS i ON CONFLICT (id) DO NOTHING");
      if (isEmpty(statement, "campaign_participations")) {
        // 500 learners in each of the campaigns 1..20.
        statement.executeUpdate(
            "INSERT INTO campaign_participations (campaign_id, learner) "
                + "SELECT 1 + (i - 1) % 20, 'learner-' || i FROM generate_series(1, 10000) AS i");
      }
      if (isEmpty(statement, "campaigns")) {
        statement.executeUpdate(
            "INSERT INTO campaigns (id, name, owner_id) "
                + "SELECT i, 'Campaign ' || i, 1 + (i * 7) % 100 FROM generate_series(1, 20) AS i");
      }
      connection.commit();
    }
  }

  private static boolean isEmpty(Statement statement, String table) throws SQLException {
    try (ResultSet rs = statement.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + table + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
