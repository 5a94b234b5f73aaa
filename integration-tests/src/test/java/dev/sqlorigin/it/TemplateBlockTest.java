package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A route blocked by its framework template, which only the framework knows (the servlet sees
 * {@code /petclinic/owners/42}): Spring MVC and Jersey answer 503 once they have matched it, before
 * they call the handler, through their own way of answering from there.
 */
class TemplateBlockTest {

  @Test
  void aSpringTemplateRouteIsBlockedByItsTemplate() throws Exception {
    try (AppProcess app =
        AppProcess.testApp("spring-boot3", "dev.sqlorigin.apps.spring.PetsApplication")
            .property(Config.ROUTES_BLOCKED, "GET /petclinic/owners/{ownerId}")
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.datasource.url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      assertBlocked(
          app,
          "/petclinic/owners/42",
          "spring-blocked",
          "sqlorigin: GET /petclinic/owners/{ownerId} is blocked by the operator (rule 'GET"
              + " /petclinic/owners/{ownerId}', setting); retry later");
      // Another template under the same servlet route prefix is served.
      Http.Response other =
          Http.get(app.port(), "/petclinic/owners/42/pets/7/edit", "X-Request-Id: spring-other");
      assertEquals(200, other.status(), other.body());
    }
  }

  @Test
  void aJerseyTemplateRouteIsBlockedByItsTemplate() throws Exception {
    try (AppProcess app =
        AppProcess.testApp("jersey", "dev.sqlorigin.apps.jersey.JerseyApp")
            .property(Config.ROUTES_BLOCKED, "GET /clinic/api/owners/{ownerId}/pets/{petId}")
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      assertBlocked(
          app,
          "/clinic/api/owners/42/pets/7",
          "jersey-blocked",
          "sqlorigin: GET /clinic/api/owners/{ownerId}/pets/{petId} is blocked by the operator"
              + " (rule 'GET /clinic/api/owners/{ownerId}/pets/{petId}', setting); retry later");
      Http.Response other =
          Http.get(app.port(), "/clinic/api/owners", "X-Request-Id: jersey-other");
      assertEquals(200, other.status(), other.body());
    }
  }

  private static void assertBlocked(AppProcess app, String target, String requestId, String body)
      throws Exception {
    Http.Response refused = Http.get(app.port(), target, "X-Request-Id: " + requestId);
    assertEquals(503, refused.status(), refused.body());
    assertEquals("60", refused.header("Retry-After"));
    assertTrue(refused.body().startsWith(body), refused.body());
    assertEquals(
        List.of(),
        List.copyOf(PgActivity.queries("request_id='" + requestId + "'")),
        "the handler's statements reached the database");
  }
}
