package dev.sqlorigin.cli.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A PostgreSQL of its own that asks for passwords (the shared test server trusts everyone): role
 * {@value #USER}, password {@value #PASSWORD}, over TCP on localhost. Started once per test JVM.
 */
public final class PasswordServer {

  public static final String USER = "console_pw";
  public static final String PASSWORD = "s3cret:with@odd/chars";

  private static EmbeddedPostgres server;

  private PasswordServer() {}

  public static synchronized int port() throws Exception {
    if (server == null) {
      Path hba = Files.createTempFile("sqlorigin-hba", ".conf");
      Files.writeString(
          hba,
          String.join(
              "\n",
              "local all all trust",
              "host all postgres 127.0.0.1/32 trust",
              "host all postgres ::1/128 trust",
              "host all all 127.0.0.1/32 scram-sha-256",
              "host all all ::1/128 scram-sha-256",
              ""));
      server = EmbeddedPostgres.builder().setServerConfig("hba_file", hba.toString()).start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (Exception ignored) {
                      // the JVM is going away
                    }
                  }));
      try (Connection admin = server.getPostgresDatabase().getConnection();
          Statement statement = admin.createStatement()) {
        statement.execute(
            "CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD.replace("'", "''") + "'");
      }
    }
    return server.getPort();
  }
}
