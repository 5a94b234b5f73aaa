package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.ProbeAnswer;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every application serving the probe under the agent must show, whatever its server (servlets
 * in either namespace, Quarkus, Micronaut, gRPC) or driver version: each statement reaches
 * PostgreSQL with exactly one comment naming the route and the request ID that the client was
 * given, and nothing of a request stays on the threads that served it. How the probe is asked (an
 * HTTP request, a gRPC call) is the source's: {@link HttpTaggingContract} for HTTP.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TaggingContract {

  AppProcess app;

  abstract AppProcess.Builder application();

  /**
   * The route of {@code /shop/probe/<kind>}, or with {@code withId} of {@code
   * /shop/probe/<kind>/42}, as this server names it (a servlet by its path, a framework by its
   * template).
   */
  abstract String probeRoute(String kind, boolean withId);

  /** A pattern of the names of the threads the server runs requests on. */
  abstract String requestThreads();

  /**
   * Asks the application's probe for {@code target} ({@code /<kind>[/…][?…]}, as under {@code
   * /shop/probe}), with {@code headerLines} ({@code X-Request-Id: …}) as the request's headers or
   * its source's equivalent.
   */
  abstract ProbeAnswer probe(String target, String... headerLines) throws Exception;

  @BeforeAll
  void startApplication() throws Exception {
    // The request ID in both places it can go (by default it goes to neither): this contract
    // proves the comment in every kind of statement, and the connection's name.
    app =
        application()
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .property(Config.REQUEST_ID_APPLICATION_NAME, "true")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stopApplication() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  @ParameterizedTest(name = "{0} raw={1}")
  @CsvSource({
    "prepared,false", "prepared,true", "statement,false", "statement,true", "execute,false",
    "batch,false", "batch,true", "prepared-batch,false", "hinted,false", "precommented,false",
    "call,false", "call,true", "call-args,false"
  })
  void everyKindOfStatementCarriesItsRouteAndRequestId(String kind, boolean raw) throws Exception {
    String requestId = "it-" + kind + "-" + raw;
    ProbeAnswer response = probe("/" + kind + "/42?raw=" + raw, "X-Request-Id: " + requestId);
    assertTrue(response.ok(), response.body());
    assertEquals(requestId, response.header("X-Request-Id"));
    List<String> sent = response.values("sent");
    assertEquals(kind.contains("batch") ? 2 : 1, sent.size(), response.body());
    for (String text : sent) {
      assertTagged(text, probeRoute(kind, true), requestId);
    }
  }

  @Test
  void hintStaysFirstAndAnApplicationCommentStaysIntact() throws Exception {
    String hinted = probe("/hinted").values("sent").get(0);
    assertTrue(hinted.startsWith("/*+ SeqScan(probe_seen) */ /*sqlorigin route="), hinted);
    String commented = probe("/precommented").values("sent").get(0);
    assertTrue(
        commented.startsWith("/*sqlorigin route=") && commented.contains("*/ /* app */ SELECT"),
        commented);
  }

  @Test
  void missingRequestIdIsGeneratedEchoedAndUsed() throws Exception {
    ProbeAnswer response = probe("/prepared");
    String generated = response.header("X-Request-Id");
    assertTrue(generated != null && generated.matches("[0-9a-f]{32}"), String.valueOf(generated));
    assertTagged(response.values("sent").get(0), probeRoute("prepared", false), generated);
  }

  @Test
  void contextNeverLeaksIntoTheNextRequestOrIntoWorkOutsideRequests() throws Exception {
    for (int i = 0; i < 24; i++) {
      String id = "leak-" + i;
      if (i % 3 == 0) {
        assertFalse(probe("/fail", "X-Request-Id: " + id).ok());
        continue;
      }
      ProbeAnswer response = probe("/prepared", "X-Request-Id: " + id);
      assertTagged(response.values("sent").get(0), probeRoute("prepared", false), id);
    }
    // The server's pooled threads served the requests above; the same threads now run plain tasks.
    ProbeAnswer answer = probe("/background");
    List<String> background = answer.values("background");
    assertEquals(8, background.size(), answer.body());
    for (String line : background) {
      assertTrue(line.matches("(?:" + requestThreads() + ") .*"), line);
      assertFalse(line.contains("sqlorigin"), "work outside a request was tagged: " + line);
      assertFalse(
          line.contains(" req="), "work outside a request ran under a request's name: " + line);
    }
  }

  @ParameterizedTest(name = "raw={0}")
  @CsvSource({"false", "true"})
  void requestIdNamesTheConnectionWhileTheRequestUsesIt(boolean raw) throws Exception {
    String inRequest =
        probe("/application-name?raw=" + raw, "X-Request-Id: name-" + raw).values("sent").get(0);
    assertTrue(inRequest.endsWith(" req=name-" + raw), inRequest);
    // The driver's own name stays in front: a DBA who filters on it still finds the application.
    String background = probe("/background").values("background").get(0);
    String own =
        background.substring(
            background.lastIndexOf(" application_name=") + " application_name=".length());
    assertEquals(own + " req=name-" + raw, inRequest);
  }

  @Test
  void namingTheConnectionNeitherStartsATransactionEarlyNorHidesTheApplicationsOwnError()
      throws Exception {
    String serializable = probe("/serializable", "X-Request-Id: iso-1").values("sent").get(0);
    assertTrue(
        serializable.startsWith("serializable ") && serializable.endsWith(" req=iso-1"),
        serializable);
    assertEquals(List.of("22012 25P02"), probe("/aborted").values("sent"));
  }

  @Test
  void agentLogsOneStartLineAndNothingPerRequest() throws Exception {
    for (int i = 0; i < 5; i++) {
      probe("/prepared");
      probe("/fail");
    }
    List<String> lines = app.agentLines();
    assertEquals(1, lines.size(), "agent log:\n" + String.join("\n", lines));
    assertTrue(
        lines
                .get(0)
                .matches(
                    ".*sqlorigin 0\\.1\\.0-SNAPSHOT started in \\d+ ms: comment=route,request_id .*")
            && lines.get(0).contains("request-id-in-application-name=true"),
        lines.get(0));
  }

  /**
   * Where sqlorigin puts its comment in the text PostgreSQL receives: first, or after a leading
   * pg_hint_plan hint, or where pgjdbc rewrote a {@code {? = call f()}} escape ({@code select *
   * from f() as result}) at the function.
   */
  private static final Pattern LEADING =
      Pattern.compile(
          "\\s*(?:/\\*\\+.*?\\*/\\s*)?(?:select \\* from )?(/\\*sqlorigin )",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  static void assertTagged(String sent, String route, String requestId) {
    Matcher leading = LEADING.matcher(sent);
    assertTrue(leading.lookingAt(), "the comment does not lead the statement: " + sent);
    Map<String, String> fields = SqlComment.parse(sent.substring(leading.start(1)));
    assertEquals(route, fields.get("route"), sent);
    assertEquals(requestId, fields.get("request_id"), sent);
    assertEquals(
        sent.indexOf("/*sqlorigin"), sent.lastIndexOf("/*sqlorigin"), "two comments: " + sent);
  }
}
