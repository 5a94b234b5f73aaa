package dev.sqlorigin.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL of the test's own, for the faults that the shared {@link TestDatabase} must not
 * suffer: an embedded server (the same Maven artifact) that the test stops and starts again on the
 * same port and data directory, as an operator's restart does. A test that cannot start it fails
 * with the server's error.
 */
public final class RestartableDatabase implements AutoCloseable {

  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgres server;

  private RestartableDatabase(Path dataDirectory) throws IOException {
    this.dataDirectory = dataDirectory;
    this.server = builder().start();
    this.port = server.getPort();
  }

  public static RestartableDatabase start() throws IOException {
    return new RestartableDatabase(Files.createTempDirectory("sqlorigin-restartable-pg"));
  }

  private EmbeddedPostgres.Builder builder() {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            // Kept across the restart; removed by close().
            .setCleanDataDirectory(false);
    return port == 0 ? builder : builder.setPort(port);
  }

  /** A JDBC URL for an application in another JVM, credentials included. */
  public String jdbcUrl(String parameters) {
    String url = server.getJdbcUrl("postgres", "postgres");
    return parameters.isEmpty() ? url : url + "&" + parameters;
  }

  /**
   * Stops the server (a fast shutdown: every backend is terminated, its clients get {@code 57P01})
   * and starts it again on the same port and data.
   */
  public void restart() throws IOException {
    server.close();
    server = builder().start();
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      try (Stream<Path> files = Files.walk(dataDirectory)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
