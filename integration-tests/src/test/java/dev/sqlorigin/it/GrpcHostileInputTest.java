package dev.sqlorigin.it;

import static dev.sqlorigin.it.HostileInputContract.assertGuardIntact;
import static dev.sqlorigin.it.HostileInputContract.assertWellFormed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.GrpcProbe;
import dev.sqlorigin.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request IDs in metadata and method names built to break out of the comment, sent to the gRPC
 * application: every statement still does what the application meant, the database is unchanged,
 * the comment is well formed. Method names come from the client only where a server serves names it
 * was not built with: the application's fallback registry serves any method of {@code shop.Any}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcHostileInputTest {

  private AppProcess app;
  private GrpcProbe client;

  @BeforeAll
  void start() throws Exception {
    HostileInputContract.resetGuard();
    app =
        AppProcess.testApp("grpc", GrpcTaggingTest.APP)
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start();
    client = GrpcProbe.connect(app.port());
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
    app.close();
  }

  @ParameterizedTest
  @MethodSource("dev.sqlorigin.it.HostileInputContract#hostileRequestIds")
  void hostileRequestIdIsReplacedAndTheStatementRunsAsMeant(String requestId) throws Exception {
    GrpcProbe.Answer answer = client.call(GrpcProbe.RUN, "/prepared", "X-Request-Id: " + requestId);
    assertTrue(answer.ok(), answer.body());
    String echoed = answer.header("X-Request-Id");
    assertTrue(echoed.matches("[0-9a-f]{32}"), "a hostile ID must be replaced, got " + echoed);
    assertEquals(echoed, assertWellFormed(answer.values("sent").get(0)).get("request_id"));
    assertGuardIntact();
  }

  @ParameterizedTest
  // gRPC's server refuses metadata over 8 KiB in all: within that.
  @ValueSource(ints = {4 * 1024, 201})
  void oversizedRequestIdIsReplaced(int length) throws Exception {
    GrpcProbe.Answer answer =
        client.call(GrpcProbe.RUN, "/prepared", "X-Request-Id: " + "a".repeat(length));
    assertTrue(answer.ok(), answer.body());
    assertTrue(answer.header("X-Request-Id").matches("[0-9a-f]{32}"));
    assertWellFormed(answer.values("sent").get(0));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "shop.Any/x*/y",
        "shop.Any/*/DROP TABLE probe_guard;--",
        "shop.Any/'quoted'",
        "shop.Any/a\\b",
        "shop.Any/%2A%2F",
        "shop.Any/42/Get",
        "shop.Any/éte"
      })
  void hostileMethodNameGivesAWellFormedRoute(String method) throws Exception {
    GrpcProbe.Answer answer = client.call(method, "/prepared", "X-Request-Id: method-1");
    assertTrue(answer.ok(), method + " -> " + answer.body());
    Map<String, String> fields = assertWellFormed(answer.values("sent").get(0));
    assertTrue(fields.get("route").startsWith("/shop.Any/"), fields.toString());
    assertEquals("method-1", fields.get("request_id"));
    assertGuardIntact();
  }

  @ParameterizedTest
  @ValueSource(ints = {40, 1500})
  void longAndDeepMethodNamesGiveABoundedRoute(int segments) throws Exception {
    GrpcProbe.Answer answer = client.call("shop.Any" + "/seg".repeat(segments), "/prepared");
    assertTrue(answer.ok(), answer.body());
    String route = assertWellFormed(answer.values("sent").get(0)).get("route");
    assertTrue(route.length() < 200 && route.endsWith("/{...}"), route);
  }
}
