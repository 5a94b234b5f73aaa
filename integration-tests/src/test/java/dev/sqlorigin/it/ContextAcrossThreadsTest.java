package dev.sqlorigin.it;

import static dev.sqlorigin.it.TaggingContract.assertTagged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Work that a request hands to other threads belongs to that request: its statements carry the
 * request's route and ID and are cancelled with it; and nothing of the request stays on the pool
 * thread for the next, unrelated task.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContextAcrossThreadsTest {

  private AppProcess app;
  private AppProcess deadlineApp;

  @BeforeAll
  void start() throws Exception {
    String url = TestDatabase.get().jdbcUrlWithCredentials();
    app =
        AppProcess.main(JakartaApp.class)
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(url)
            .start();
    deadlineApp =
        AppProcess.main(JakartaApp.class)
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .property(Config.REQUEST_TIMEOUT, "1s")
            .args(url)
            .start();
  }

  @AfterAll
  void stop() {
    app.close();
    deadlineApp.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"executor", "completable-future", "fork-join"})
  void aStatementSentFromAnotherThreadCarriesTheRequestsRouteAndId(String mechanism)
      throws Exception {
    String id = "carried-" + mechanism;
    Http.Response response =
        Http.getOk(app.port(), "/shop/probe/carried/" + mechanism, "X-Request-Id: " + id);
    assertNotEquals(
        response.values("thread"),
        response.values("carrier"),
        "the work must run on another thread");
    assertTagged(response.values("sent").get(0), "GET /shop/probe/carried/" + mechanism, id);
  }

  @Test
  void virtualThreadsCarryTheRequestWhereTheJdkHasThem() throws Exception {
    Http.Response response =
        Http.getOk(app.port(), "/shop/probe/carried/virtual-thread", "X-Request-Id: carried-vt");
    if (applicationJdk() >= 21) {
      assertEquals(List.of(), response.values("unsupported"), response.body());
      assertTagged(
          response.values("sent").get(0), "GET /shop/probe/carried/virtual-thread", "carried-vt");
    } else {
      assertEquals(1, response.values("unsupported").size(), response.body());
      assertEquals(List.of(), response.values("sent"), response.body());
    }
  }

  @Test
  void thePoolThreadKeepsNothingOfTheRequestForTheNextUnrelatedTask() throws Exception {
    Http.Response request =
        Http.getOk(app.port(), "/shop/probe/carried/executor", "X-Request-Id: before-unrelated");
    assertTagged(
        request.values("sent").get(0), "GET /shop/probe/carried/executor", "before-unrelated");
    Http.Response unrelated =
        Http.getOk(app.port(), "/shop/probe/carried/unrelated", "X-Request-Id: not-mine");
    assertEquals(
        request.values("carrier"),
        unrelated.values("carrier"),
        "the same pool thread must run both");
    String sent = unrelated.values("sent").get(0);
    assertFalse(
        sent.contains("sqlorigin"),
        "a task submitted outside any request carries a request's comment: " + sent);
  }

  @Test
  void connectionsThatThePoolOpensForARequestAreNotTheRequestsWork() throws Exception {
    try (AppProcess growing =
        AppProcess.main(JakartaApp.class)
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .property("probe.pool.min-idle", "1")
            .property("probe.pool.record-init", "true")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      Http.Response response =
          Http.getOk(growing.port(), "/shop/probe/pool-init", "X-Request-Id: grows-the-pool");
      List<String> init = response.values("init");
      assertEquals(4, init.size(), response.body());
      for (String text : init) {
        // HikariCP opens them on its own executor, submitted from inside this request's
        // getConnection.
        assertEquals(
            "SELECT set_config('probe.init', current_query(), false)", text, response.body());
      }
    }
  }

  @Test
  void abandoningTheRequestCancelsItsStatementOnThePoolThreadAndRefusesTheRest() throws Exception {
    String token = UUID.randomUUID().toString();
    Http.Response response =
        Http.getOk(
            deadlineApp.port(),
            "/shop/probe/carried/executor?cancellable=sequence&seconds=30&token=" + token,
            "X-Request-Id: carried-dl");
    assertTrue(response.values("carrier").get(0).startsWith("carried-"), response.body());
    List<String> errors = response.values("error");
    assertEquals(4, errors.size(), response.body());
    String prefix =
        "57014|sqlorigin: request carried-dl (GET /shop/probe/carried/executor) abandoned: deadline passed after";
    assertTrue(
        errors.get(0).startsWith(prefix) && errors.get(0).endsWith("|cause=PSQLException"),
        errors.get(0));
    for (String later : errors.subList(1, 4)) {
      assertTrue(later.startsWith(prefix) && later.endsWith("|cause=none"), later);
    }
    assertEquals(
        0,
        CancellationTest.rowsWithToken(token),
        "the INSERT after abandonment reached the database");
    assertEquals(0, PgActivity.running("request_id='carried-dl'"));
    assertTrue(
        deadlineApp
            .output()
            .contains(
                "request carried-dl (GET /shop/probe/carried/executor) abandoned: deadline passed"
                    + " after"),
        deadlineApp.output());
    Matcher cancelled =
        Pattern.compile("request carried-dl .*; cancelled (\\d+) statement")
            .matcher(deadlineApp.output());
    assertTrue(
        cancelled.find() && cancelled.group(1).equals("1"),
        "one statement, the pool thread's, is cancelled once: " + deadlineApp.output());
  }

  /** The feature version of the JDK the applications run on (CI runs them on 17 and on 25). */
  private static int applicationJdk() throws Exception {
    Path release =
        Path.of(
            System.getProperty("sqlorigin.it.java.home", System.getProperty("java.home")),
            "release");
    Matcher version = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
    assertTrue(version.find(), "no JAVA_VERSION in " + release);
    return Integer.parseInt(version.group(1));
  }
}
