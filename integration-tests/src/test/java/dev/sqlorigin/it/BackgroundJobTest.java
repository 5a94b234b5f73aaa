package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Statements sent outside HTTP: a unit of work the application names through sqlorigin-api carries
 * that name (and the work it hands to executors does too); the rest carries the configured default
 * origin, or nothing. Without the agent the API only runs the work.
 */
class BackgroundJobTest {

  private static final String JOB = "/shop/probe/job?origin=job:import-learners/42";

  @Test
  void aNamedJobTagsItsStatementsAndTheWorkItHandsToAnExecutor() throws Exception {
    try (AppProcess app = app().start()) {
      Http.Response response = Http.getOk(app.port(), JOB, "X-Request-Id: http-request");
      assertTrue(response.values("carrier").contains("submitter-1"), response.body());
      Map<String, String> job = SqlComment.parse(response.values("job-sent").get(0));
      assertEquals("job:import-learners/{id}", job.get("route"), response.body());
      assertNotEquals("http-request", job.get("request_id"), "a job has an ID of its own");
      assertEquals(32, job.get("request_id").length(), response.body());
      assertEquals(
          job,
          SqlComment.parse(response.values("sent").get(0)),
          "the executor's task belongs to the job");
      String after = response.values("after-sent").get(0);
      assertFalse(after.contains("sqlorigin"), "the thread keeps nothing of the job: " + after);
    }
  }

  @Test
  void statementsOutsideRequestsAndJobsCarryTheConfiguredOrigin() throws Exception {
    try (AppProcess app =
        app().property(Config.COMMENT_OUTSIDE_REQUEST, "worker:{thread}").start()) {
      Http.Response response = Http.getOk(app.port(), JOB);
      assertEquals(
          Map.of("route", "worker:submitter-{n}"),
          SqlComment.parse(response.values("after-sent").get(0)),
          response.body());
      assertEquals(
          "job:import-learners/{id}",
          SqlComment.parse(response.values("job-sent").get(0)).get("route"));
    }
  }

  @Test
  void withoutTheAgentTheApiOnlyRunsTheWork() throws Exception {
    try (AppProcess app = app().withoutAgent().start()) {
      Http.Response response = Http.getOk(app.port(), JOB);
      assertEquals("SELECT current_query()", response.values("job-sent").get(0));
      assertEquals("SELECT current_query()", response.values("sent").get(0));
      assertEquals("SELECT current_query()", response.values("after-sent").get(0));
    }
  }

  private static AppProcess.Builder app() {
    return AppProcess.main(JakartaApp.class)
        .property(Config.COMMENT_FIELDS, "route,request_id")
        .args(TestDatabase.get().jdbcUrlWithCredentials());
  }
}
