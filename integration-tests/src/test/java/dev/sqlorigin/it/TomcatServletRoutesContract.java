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

/**
 * Plain servlets on embedded Tomcat (context {@code /shop}, a servlet on {@code /owners/*} and on
 * {@code /owner-count}, a filter on every path) under the real agent: Tomcat's own request and
 * filter-chain objects, not Jetty's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TomcatServletRoutesContract {

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
  void heldStatementShowsThePathMappingRouteWithIdsHidden() throws Exception {
    String requestId = "tomcat-held-" + System.nanoTime();
    HeldRequest.Held held =
        HeldRequest.send(
            app.port(), "GET", "/shop/owners/42/pets?token=secret", "owners", requestId);
    assertEquals(200, held.response().status(), held.response().body());
    assertEquals(requestId, held.response().header("X-Request-Id"));
    assertTagged(held.activity(), "GET /shop/owners/{id}/pets", requestId);
  }

  @Test
  void exactMappingIsTheRoute() throws Exception {
    Http.Response response = Http.post(app.port(), "/shop/owner-count", "X-Request-Id: exact-1");
    assertEquals(200, response.status(), response.body());
    assertTagged(response.values("sent").get(0), "POST /shop/owner-count", "exact-1");
  }

  @Test
  void filterAndServletShareTheRequestOpenedByTheOutermostFilter() throws Exception {
    Http.Response response =
        Http.get(app.port(), "/shop/owners/7", "X-Request-Id: filter-1", "X-Audit: 1");
    assertEquals(200, response.status(), response.body());
    assertTagged(response.header("X-Filter-Sent"), "GET /shop/owners/{id}", "filter-1");
    assertTagged(response.values("sent").get(0), "GET /shop/owners/{id}", "filter-1");
  }

  @Test
  void generatedRequestIdIsEchoedAndUsed() throws Exception {
    Http.Response response = Http.get(app.port(), "/shop/owners");
    String generated = response.header("X-Request-Id");
    assertEquals(
        true, generated != null && generated.matches("[0-9a-f]{32}"), String.valueOf(generated));
    assertTagged(response.values("sent").get(0), "GET /shop/owners", generated);
  }
}
