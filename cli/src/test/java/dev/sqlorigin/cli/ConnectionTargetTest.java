package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sqlorigin.cli.connect.ConnectionTarget;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ConnectionTargetTest {

  @Test
  void aPostgresUriIsDecodedAsLibpqDoes() {
    ConnectionTarget target =
        ConnectionTarget.resolve(
            "postgres://ops:p%40ss+word@db.internal:6432/orders%20db?sslmode=require&connect_timeout=3",
            Map.of());
    assertEquals("jdbc:postgresql://db.internal:6432/orders%20db", target.jdbcUrl());
    Properties properties = target.properties();
    assertEquals("ops", properties.getProperty("user"));
    assertEquals("p@ss+word", properties.getProperty("password"));
    assertEquals("require", properties.getProperty("sslmode"));
    assertEquals("3", properties.getProperty("connectTimeout"));
    assertEquals("ops@db.internal:6432/orders db", target.display());
    assertFalse(target.display().contains("ss+word"));
  }

  @Test
  void whatTheUriLeavesOutComesFromTheEnvironment() {
    Map<String, String> environment =
        Map.of(
            "PGHOST",
            "envhost",
            "PGPORT",
            "5433",
            "PGUSER",
            "envuser",
            "PGPASSWORD",
            "pw",
            "PGDATABASE",
            "envdb",
            "PGSSLMODE",
            "verify-full");
    ConnectionTarget fromEnvironment = ConnectionTarget.resolve(null, environment);
    assertEquals("jdbc:postgresql://envhost:5433/envdb", fromEnvironment.jdbcUrl());
    assertEquals("pw", fromEnvironment.properties().getProperty("password"));
    assertEquals("verify-full", fromEnvironment.properties().getProperty("sslmode"));
    ConnectionTarget mixed = ConnectionTarget.resolve("postgresql:///other", environment);
    assertEquals("jdbc:postgresql://envhost:5433/other", mixed.jdbcUrl());
    assertEquals("envuser", mixed.properties().getProperty("user"));
  }

  @Test
  void theDatabaseDefaultsToTheUserAndTheHostToLocalhost() {
    ConnectionTarget target = ConnectionTarget.resolve("user=alice", Map.of());
    assertEquals("jdbc:postgresql://localhost:5432/alice", target.jdbcUrl());
    assertEquals(null, target.properties().getProperty("password"), "left to ~/.pgpass");
  }

  @Test
  void severalHostsAndIpv6() {
    assertEquals(
        "jdbc:postgresql://a:5432,[::1]:5433/db",
        ConnectionTarget.resolve("postgresql://u@a:5432,[::1]:5433/db", Map.of()).jdbcUrl());
    assertEquals(
        "primary",
        ConnectionTarget.resolve("postgresql://u@a,b/db?target_session_attrs=read-write", Map.of())
            .properties()
            .getProperty("targetServerType"));
  }

  @Test
  void aKeywordStringWithQuotedValues() {
    ConnectionTarget target =
        ConnectionTarget.resolve(
            "host=db port=5432 dbname='my db' user=ops password='it\\'s'", Map.of());
    assertEquals("jdbc:postgresql://db:5432/my%20db", target.jdbcUrl());
    assertEquals("ops", target.properties().getProperty("user"));
  }

  @Test
  void aJdbcUrlGoesToTheDriverAsIs() {
    ConnectionTarget target =
        ConnectionTarget.resolve(
            "jdbc:postgresql://db:5432/app?user=ops&ssl=true", Map.of("PGPASSWORD", "pw"));
    assertEquals("jdbc:postgresql://db:5432/app?user=ops&ssl=true", target.jdbcUrl());
    assertEquals("pw", target.properties().getProperty("password"));
    assertEquals("ops@db:5432/app", target.display());
  }

  @Test
  void whatCannotWorkIsRefusedInOneLine() {
    assertThrows(
        ConsoleException.class,
        () -> ConnectionTarget.resolve("host=/var/run/postgresql", Map.of()));
    assertThrows(
        ConsoleException.class, () -> ConnectionTarget.resolve("postgres://h:99999/db", Map.of()));
    assertThrows(
        ConsoleException.class, () -> ConnectionTarget.resolve("postgres://h/db?x=1", Map.of()));
    assertThrows(
        ConsoleException.class, () -> ConnectionTarget.resolve("postgres://h/db?%zz=1", Map.of()));
    assertThrows(
        ConsoleException.class, () -> ConnectionTarget.resolve("jdbc:mysql://h/db", Map.of()));
  }
}
