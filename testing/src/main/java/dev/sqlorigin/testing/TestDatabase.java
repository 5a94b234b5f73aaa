package dev.sqlorigin.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL every test talks to, one per test JVM. Resolved in order: an explicit {@code
 * SQLORIGIN_TEST_JDBC_URL} (with {@code SQLORIGIN_TEST_DB_USER}/{@code _PASSWORD}), Testcontainers
 * when {@code SQLORIGIN_TEST_DB=testcontainers} and Docker answers, otherwise an embedded
 * PostgreSQL from a Maven artifact. When none can be had, the first caller gets an exception that
 * says what was tried: a test never skips for want of a database.
 */
public final class TestDatabase {

  private static TestDatabase shared;

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String description;

  private TestDatabase(String jdbcUrl, String user, String password, String description) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.description = description;
  }

  public static synchronized TestDatabase get() {
    if (shared == null) {
      shared = resolve();
    }
    return shared;
  }

  private static TestDatabase resolve() {
    List<String> tried = new ArrayList<>();
    String url = System.getenv("SQLORIGIN_TEST_JDBC_URL");
    if (url != null && !url.isBlank()) {
      return new TestDatabase(
          url,
          env("SQLORIGIN_TEST_DB_USER", "postgres"),
          env("SQLORIGIN_TEST_DB_PASSWORD", ""),
          "SQLORIGIN_TEST_JDBC_URL " + url);
    }
    tried.add("SQLORIGIN_TEST_JDBC_URL is not set");
    if ("testcontainers".equalsIgnoreCase(System.getenv("SQLORIGIN_TEST_DB"))) {
      try {
        if (DockerClientFactory.instance().isDockerAvailable()) {
          PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:17");
          container.start();
          Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
          return new TestDatabase(
              container.getJdbcUrl(),
              container.getUsername(),
              container.getPassword(),
              "Testcontainers " + container.getJdbcUrl());
        }
        tried.add("SQLORIGIN_TEST_DB=testcontainers but Docker is not available");
      } catch (RuntimeException e) {
        tried.add("Testcontainers failed: " + e);
      }
    }
    try {
      EmbeddedPostgres embedded =
          EmbeddedPostgres.builder()
              // Long statements must be visible whole in pg_stat_activity for the tests that read
              // it.
              .setServerConfig("track_activity_query_size", "16384")
              .setServerConfig("max_connections", "200")
              .start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      embedded.close();
                    } catch (Exception ignored) {
                      // the JVM is going away; the data directory is temporary
                    }
                  }));
      String embeddedUrl = embedded.getJdbcUrl("postgres", "postgres");
      return new TestDatabase(embeddedUrl, "postgres", "", "embedded PostgreSQL " + embeddedUrl);
    } catch (Exception e) {
      tried.add("embedded PostgreSQL failed to start: " + e);
    }
    throw new IllegalStateException(
        "No PostgreSQL for the tests. Tried: "
            + String.join("; ", tried)
            + ". Point SQLORIGIN_TEST_JDBC_URL at a server to run them.");
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null ? fallback : value;
  }

  /** A JDBC URL without credentials. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** A JDBC URL that carries the credentials, for an application started in another JVM. */
  public String jdbcUrlWithCredentials() {
    String separator = jdbcUrl.contains("?") ? "&" : "?";
    String url = jdbcUrl.contains("user=") ? jdbcUrl : jdbcUrl + separator + "user=" + user;
    return password.isEmpty() || url.contains("password=") ? url : url + "&password=" + password;
  }

  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    return DriverManager.getConnection(jdbcUrl, properties);
  }

  @Override
  public String toString() {
    return description;
  }
}
