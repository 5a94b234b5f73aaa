package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.cli.support.Console;
import dev.sqlorigin.cli.support.OldServer;
import dev.sqlorigin.cli.support.PasswordServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What keeps the console from working is told in one line, with exit code 2. */
class ConnectionErrorsTest {

  private static void assertOneLineError(Console.Result result, String expected) {
    assertEquals(2, result.exitCode(), result.toString());
    assertEquals("", result.out(), result.toString());
    assertEquals(1, result.err().lines().count(), "one line: " + result.err());
    assertTrue(result.err().startsWith("sqlorigin: "), result.err());
    assertTrue(result.err().contains(expected), "expected '" + expected + "' in " + result.err());
  }

  @Test
  void anUnreachableDatabase() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Console.Result result =
        Console.run(Map.of(), "locks", "postgres://someone@127.0.0.1:" + closed + "/app");
    assertOneLineError(
        result,
        "cannot connect to someone@127.0.0.1:"
            + closed
            + "/app: Connection to 127.0.0.1:"
            + closed
            + " refused");
  }

  @Test
  void aWrongPasswordNamesTheUserAndNeverThePassword() throws Exception {
    int port = PasswordServer.port();
    Console.Result result =
        Console.run(
            Map.of(),
            "activity",
            "postgres://" + PasswordServer.USER + ":not-it@127.0.0.1:" + port + "/postgres");
    assertOneLineError(
        result, "password authentication failed for user \"" + PasswordServer.USER + "\"");
    assertTrue(!result.err().contains("not-it"), result.err());

    Console.Result right =
        Console.run(
            Map.of("PGPASSWORD", PasswordServer.PASSWORD),
            "activity",
            "postgres://" + PasswordServer.USER + "@127.0.0.1:" + port + "/postgres");
    assertEquals(0, right.exitCode(), "PGPASSWORD fills in the password: " + right);
  }

  @Test
  void aServerOlderThanTwelve() throws Exception {
    try (OldServer old = new OldServer()) {
      Console.Result result =
          Console.run(
              Map.of(), "activity", "host=127.0.0.1 port=" + old.port() + " user=ops dbname=app");
      assertOneLineError(
          result,
          "ops@127.0.0.1:"
              + old.port()
              + "/app runs PostgreSQL 11.22; the console reads PostgreSQL 12 or newer");
    }
  }

  @Test
  void aConnectionStringThatDoesNotParse() {
    assertOneLineError(
        Console.run(Map.of(), "locks", "mysql://root@db/app"), "cannot read the connection string");
    assertOneLineError(
        Console.run(Map.of(), "locks", "postgres://u@db/app?sslmode=require&colour=blue"),
        "unknown connection parameter 'colour'");
  }

  @Test
  void aBadOptionIsAUsageErrorWithExitCodeTwo() {
    Console.Result result = Console.run(Map.of(), "locks", "--watch", "soon");
    assertEquals(2, result.exitCode(), result.toString());
    assertTrue(
        result.err().contains("'soon' is not a duration such as 500ms, 2s, 5m or 1h"),
        result.err());
  }
}
