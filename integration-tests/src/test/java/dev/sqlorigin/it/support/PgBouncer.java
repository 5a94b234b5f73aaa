package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PgBouncer in front of the test database, started by the test like the database: its own ini and
 * user list in a temporary directory, a free port, its log kept. Found as {@code
 * SQLORIGIN_TEST_PGBOUNCER}, on the {@code PATH} or in {@code /usr/sbin} (Debian's package); a test
 * that cannot find it fails and says how to install it.
 */
public final class PgBouncer implements AutoCloseable {

  /** How PgBouncer hands server connections to clients. */
  public enum Mode {
    SESSION,
    TRANSACTION
  }

  private static final Pattern URL =
      Pattern.compile("jdbc:postgresql://([^/:,?]+)(?::(\\d+))?/([^?]+).*");
  private static final String DATABASE = "bounced";

  private final Process process;
  private final Path directory;
  private final int port;
  private final StringBuffer log = new StringBuffer();
  private final CompletableFuture<Boolean> up = new CompletableFuture<>();

  private PgBouncer(Mode mode, int serverConnections) throws IOException {
    TestDatabase database = TestDatabase.get();
    Matcher url = URL.matcher(database.jdbcUrl());
    if (!url.matches()) {
      fail("cannot put PgBouncer in front of " + database.jdbcUrl() + ": not host:port/database");
    }
    directory =
        Files.createTempDirectory(
            "pgbouncer",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    port = freePort();
    boolean password = !database.password().isEmpty();
    Path users = directory.resolve("userlist.txt");
    Files.writeString(users, quoted(database.user()) + " " + quoted(database.password()) + "\n");
    Path ini = directory.resolve("pgbouncer.ini");
    Files.writeString(
        ini,
        String.join(
                "\n",
                "[databases]",
                DATABASE
                    + " = host="
                    + url.group(1)
                    + " port="
                    + (url.group(2) == null ? "5432" : url.group(2))
                    + " dbname="
                    + url.group(3),
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = " + (password ? "md5" : "trust"),
                "auth_file = " + users,
                "pool_mode = " + mode.name().toLowerCase(java.util.Locale.ROOT),
                "default_pool_size = " + serverConnections,
                "max_db_connections = " + serverConnections,
                // pgjdbc sends it at start-up; PgBouncer 1.18 refuses start-up parameters it does
                // not
                // know unless told to ignore them.
                "ignore_startup_parameters = extra_float_digits",
                "")
            + "\n");
    for (Path file : List.of(users, ini)) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    }
    List<String> command =
        "root".equals(System.getProperty("user.name"))
            // PgBouncer refuses to run as root; it reads its files as this user.
            ? List.of(executable().toString(), "-u", "nobody", ini.toString())
            : List.of(executable().toString(), ini.toString());
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread reader = new Thread(this::pump, "pgbouncer-log");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts PgBouncer in {@code mode} with at most {@code serverConnections} connections to the
   * server, whatever the number of clients.
   */
  public static PgBouncer start(Mode mode, int serverConnections) throws IOException {
    for (int attempt = 0; ; attempt++) {
      PgBouncer bouncer = new PgBouncer(mode, serverConnections);
      try {
        if (bouncer.up.get(30, TimeUnit.SECONDS)) {
          return bouncer;
        }
      } catch (Exception e) {
        bouncer.close();
        fail("PgBouncer did not start within 30 s: " + e + "\n" + bouncer.log());
      }
      bouncer.close();
      // Another process took the free port between our look and PgBouncer's bind: try another.
      if (attempt == 2 || !bouncer.log().contains("Address already in use")) {
        fail("PgBouncer exited at start:\n" + bouncer.log());
      }
    }
  }

  private static Path executable() {
    String configured = System.getenv("SQLORIGIN_TEST_PGBOUNCER");
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured);
    }
    Stream<Path> candidates =
        Stream.concat(
            Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(Paths::get),
            Stream.of(Paths.get("/usr/sbin")));
    return candidates
        .map(dir -> dir.resolve("pgbouncer"))
        .filter(Files::isExecutable)
        .findFirst()
        .orElseGet(
            () -> {
              fail(
                  "pgbouncer not found (SQLORIGIN_TEST_PGBOUNCER, PATH, /usr/sbin): the pooler"
                      + " tests need it; install it (Debian: apt-get install pgbouncer, which"
                      + " .ci/run does)");
              return null;
            });
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String quoted(String value) {
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  private void pump() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        log.append(line).append('\n');
        if (line.contains("process up: PgBouncer")) {
          up.complete(true);
        }
      }
    } catch (IOException e) {
      log.append("[log lost: ").append(e).append("]\n");
    } finally {
      up.complete(false);
    }
  }

  /** A JDBC URL for the application, through PgBouncer, credentials included. */
  public String jdbcUrl(String parameters) {
    TestDatabase database = TestDatabase.get();
    StringBuilder url =
        new StringBuilder("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE + "?user=")
            .append(database.user());
    if (!database.password().isEmpty()) {
      url.append("&password=").append(database.password());
    }
    if (!parameters.isEmpty()) {
      url.append('&').append(parameters);
    }
    return url.toString();
  }

  /** What PgBouncer logged. */
  public String log() {
    return log.toString();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      // Kept for post-mortems, beside the applications' logs.
      Path logs = Files.createDirectories(Paths.get("target", "app-logs"));
      Files.writeString(logs.resolve("pgbouncer-" + System.nanoTime() + ".log"), log());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Stream<Path> files = Files.walk(directory)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
