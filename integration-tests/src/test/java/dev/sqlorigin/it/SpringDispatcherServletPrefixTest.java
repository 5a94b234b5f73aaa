package dev.sqlorigin.it;

import static dev.sqlorigin.it.TaggingContract.assertTagged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spring Boot 3 with its {@code DispatcherServlet} mapped under {@code /api/*} ({@code
 * spring.mvc.servlet.path}): Spring's patterns are relative to that prefix, the route is not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringDispatcherServletPrefixTest {

  private AppProcess app;

  @BeforeAll
  void start() throws Exception {
    app =
        AppProcess.testApp("spring-boot3", "dev.sqlorigin.apps.spring.PetsApplication")
            .property(Config.COMMENT_FIELDS, "route,request_id")
            .args(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.mvc.servlet.path=/api",
                "--spring.datasource.url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .start();
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void routeIncludesTheContextPathAndTheDispatcherServletsPrefix() throws Exception {
    Http.Response response =
        Http.get(app.port(), "/petclinic/api/owners/42", "X-Request-Id: prefixed-1");
    assertEquals(200, response.status(), response.body());
    assertTagged(
        response.values("sent").get(0), "GET /petclinic/api/owners/{ownerId}", "prefixed-1");
  }
}
