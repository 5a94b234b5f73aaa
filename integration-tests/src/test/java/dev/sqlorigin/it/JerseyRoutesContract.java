package dev.sqlorigin.it;

import static dev.sqlorigin.it.TaggingContract.assertTagged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HeldRequest;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JAX-RS on Jersey (its servlet container under {@code /api/*}, context {@code /clinic}, HikariCP)
 * under the real agent: statements carry the class and method {@code @Path} templates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JerseyRoutesContract {

  private AppProcess app;

  abstract AppProcess.Builder application();

  @BeforeAll
  void start() throws Exception {
    app =
        application()
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void heldStatementShowsTheClassAndMethodPathTemplates() throws Exception {
    String requestId = "jersey-held-" + System.nanoTime();
    HeldRequest.Held held =
        HeldRequest.send(app.port(), "GET", "/clinic/api/owners/42/pets/7", "owners", requestId);
    assertEquals(200, held.response().status(), held.response().body());
    assertTagged(held.activity(), "GET /clinic/api/owners/{ownerId}/pets/{petId}", requestId);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    // the class's @Path alone
    "GET, /clinic/api/owners, GET /clinic/api/owners",
    // a method @Path without its leading slash and with a trailing one
    "POST, /clinic/api/owners/42/visits/, POST /clinic/api/owners/{ownerId}/visits",
  })
  void routeIsTheMatchedTemplateUnderTheApplicationPath(String method, String target, String route)
      throws Exception {
    String requestId = "jersey-" + method;
    Http.Response response = Http.send(app.port(), method, target, "X-Request-Id: " + requestId);
    assertEquals(200, response.status(), response.body());
    assertTagged(response.values("sent").get(0), route, requestId);
  }
}
