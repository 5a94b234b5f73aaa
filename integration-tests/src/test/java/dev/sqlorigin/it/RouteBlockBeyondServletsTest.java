package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.GrpcProbe;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.ProbeAnswer;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A route block on the sources that have no servlet to answer from (Quarkus REST, Micronaut, gRPC):
 * the blocked request's handler runs, but its first JDBC call fails fast with 57014 naming the
 * block, so nothing of it reaches the database; other routes of the same application go on. (The
 * servlet routes and the Spring MVC and Jersey templates are answered 503 before the handler:
 * RouteBlockTest, TemplateBlockTest.)
 */
class RouteBlockBeyondServletsTest {

  // The template the framework matched, not the path: blocked once the route is refined.
  private static final String HTTP_RULE = "GET /shop/probe/{kind}/{id}";

  @Test
  void quarkusRequestsOnABlockedTemplateNeverReachTheDatabase() throws Exception {
    try (AppProcess app = blocking(AppProcess.quarkusApp("quarkus"), HTTP_RULE)) {
      assertRefused(http(app, "/shop/probe/cancellable/one"), HTTP_RULE, HTTP_RULE);
      assertServed(http(app, "/shop/probe/prepared"), app);
    }
  }

  @Test
  void micronautRequestsOnABlockedTemplateNeverReachTheDatabase() throws Exception {
    try (AppProcess app = blocking(MicronautApps.application(), HTTP_RULE)) {
      assertRefused(http(app, "/shop/probe/cancellable/one"), HTTP_RULE, HTTP_RULE);
      assertServed(http(app, "/shop/probe/prepared"), app);
    }
  }

  @Test
  void grpcCallsOfABlockedMethodNeverReachTheDatabaseAndARuleWithoutMethodCoversThem()
      throws Exception {
    // A gRPC call's route is its full method name: a rule without an HTTP method covers it.
    String rule = "/shop.Probe/R*";
    try (AppProcess app = blocking(AppProcess.testApp("grpc", GrpcTaggingTest.APP), rule);
        GrpcProbe client = GrpcProbe.connect(app.port())) {
      GrpcProbe.Answer refused =
          client.call(GrpcProbe.RUN, "/cancellable/one", "X-Request-Id: blocked-1");
      assertRefused(refused, "/shop.Probe/Run", rule);
      assertServed(client.call(GrpcProbe.STREAM, "/prepared?count=1"), app);
    }
  }

  private static AppProcess blocking(AppProcess.Builder application, String rule) throws Exception {
    return application
        .property(Config.ROUTES_BLOCKED, rule)
        .args(TestDatabase.get().jdbcUrlWithCredentials())
        .start();
  }

  private static ProbeAnswer http(AppProcess app, String target) throws Exception {
    return Http.get(app.port(), target, "X-Request-Id: blocked-1");
  }

  private static void assertRefused(ProbeAnswer answer, String route, String rule) {
    assertEquals(
        List.of(
            "57014|sqlorigin: "
                + route
                + " is blocked by the operator (rule '"
                + rule
                + "', setting); retry later|cause=none"),
        answer.values("error"),
        answer.body());
    assertEquals("blocked-1", answer.header("X-Request-Id"), "the request ID is still echoed");
  }

  private static void assertServed(ProbeAnswer answer, AppProcess app) {
    assertTrue(answer.ok(), answer.body());
    assertTrue(answer.values("sent").get(0).startsWith("/*sqlorigin route="), answer.body());
    assertTrue(
        app.agentLines().stream().noneMatch(line -> line.contains("Exception")),
        String.join("\n", app.agentLines()));
  }
}
