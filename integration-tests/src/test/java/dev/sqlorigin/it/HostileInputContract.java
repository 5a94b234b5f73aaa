package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request IDs and paths built to break out of the comment, sent over a raw socket to an application
 * serving the probe (servlets, Quarkus, Micronaut): every statement still does what the application
 * meant, the database is unchanged, the comment is well formed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HostileInputContract {

  private static final String STATEMENT = " SELECT current_query()";
  private AppProcess app;

  abstract AppProcess.Builder application();

  /** How the route of a request to {@code /shop/probe/prepared/<anything>} starts. */
  abstract String deeperRouteStart();

  /** A pattern of the route of {@code /shop/probe/prepared} followed by many segments. */
  abstract String deepRoute();

  @BeforeAll
  void start() throws Exception {
    resetGuard();
    // Hostile IDs are checked where they would do harm: inside the comment.
    app =
        application()
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stop() throws Exception {
    app.close();
  }

  /** Request IDs built to break out of the comment. */
  static Stream<String> hostileRequestIds() {
    return Stream.of(
        "*/ DROP TABLE probe_guard; --",
        "/* nested",
        "it's",
        "a\\'b",
        "x*/",
        "1; DELETE FROM probe_guard",
        "%2A%2F",
        "\t*/\t",
        "é日本");
  }

  @ParameterizedTest
  @MethodSource("hostileRequestIds")
  void hostileRequestIdIsReplacedAndTheStatementRunsAsMeant(String requestId) throws Exception {
    Http.Response response =
        Http.get(app.port(), "/shop/probe/prepared", "X-Request-Id: " + requestId);
    assertEquals(200, response.status(), response.body());
    String echoed = response.header("X-Request-Id");
    assertTrue(echoed.matches("[0-9a-f]{32}"), "a hostile ID must be replaced, got " + echoed);
    String sent = response.values("sent").get(0);
    assertEquals(echoed, assertWellFormed(sent).get("request_id"));
    assertGuardIntact();
  }

  @ParameterizedTest
  @ValueSource(ints = {10 * 1024, 201})
  void oversizedRequestIdIsReplaced(int length) throws Exception {
    Http.Response response =
        Http.get(app.port(), "/shop/probe/prepared", "X-Request-Id: " + "a".repeat(length));
    assertEquals(200, response.status(), response.body());
    assertTrue(response.header("X-Request-Id").matches("[0-9a-f]{32}"));
    assertWellFormed(response.values("sent").get(0));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/shop/probe/prepared/x*/y",
        "/shop/probe/prepared/%2A/%20DROP%20TABLE%20probe_guard;--",
        "/shop/probe/prepared/'quoted'",
        "/shop/probe/prepared/%0Aline%0D",
        "/shop/probe/prepared/a%09b%7F",
        "/shop/probe/prepared/a%5Cb",
        "/shop/probe/prepared/%C3%A9t%C3%A9",
        "/shop/probe/prepared/%E2%80%A8"
      })
  void hostilePathGivesAWellFormedRoute(String path) throws Exception {
    Http.Response response = Http.get(app.port(), path, "X-Request-Id: path-1");
    assertEquals(200, response.status(), path + " -> " + response.body());
    Map<String, String> fields = assertWellFormed(response.values("sent").get(0));
    assertTrue(fields.get("route").startsWith(deeperRouteStart()), fields.toString());
    assertEquals("path-1", fields.get("request_id"));
    assertGuardIntact();
  }

  @ParameterizedTest
  @ValueSource(ints = {40, 2000})
  void longAndDeepPathsGiveABoundedRoute(int segments) throws Exception {
    String path = "/shop/probe/prepared" + "/seg".repeat(segments);
    Http.Response response = Http.get(app.port(), path);
    assertEquals(200, response.status());
    String route = assertWellFormed(response.values("sent").get(0)).get("route");
    assertTrue(route.length() < 200 && route.matches(deepRoute()), route);
  }

  /**
   * The comment is the first thing, its first terminator is its own, and the SQL after it is
   * intact.
   */
  static Map<String, String> assertWellFormed(String sent) {
    assertTrue(sent.startsWith("/*sqlorigin "), sent);
    assertEquals(
        sent.length() - STATEMENT.length() - 2,
        sent.indexOf("*/"),
        "comment closed early: " + sent);
    assertEquals(0, sent.lastIndexOf("/*"), "nested comment opened: " + sent);
    assertTrue(sent.endsWith("*/" + STATEMENT), sent);
    for (char c : sent.toCharArray()) {
      assertTrue(c >= 0x20 && c < 0x7F, "unsafe character " + (int) c + " in " + sent);
    }
    return SqlComment.parse(sent);
  }

  /** The three rows a hostile text would delete or drop are there. */
  static void resetGuard() throws Exception {
    try (Connection connection = TestDatabase.get().connect();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS probe_guard(id int)");
      statement.execute("TRUNCATE probe_guard");
      statement.execute("INSERT INTO probe_guard SELECT generate_series(1, 3)");
    }
  }

  static void assertGuardIntact() throws Exception {
    try (Connection connection = TestDatabase.get().connect();
        Statement statement = connection.createStatement();
        var rs = statement.executeQuery("SELECT count(*) FROM probe_guard")) {
      rs.next();
      assertEquals(3, rs.getInt(1));
    }
  }
}
