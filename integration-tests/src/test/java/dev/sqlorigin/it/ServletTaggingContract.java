package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.it.support.Http;
import org.junit.jupiter.api.Test;

/**
 * The tagging contract on the servlet applications (Jetty's {@code app-N} threads): their route is
 * the servlet path with IDs replaced, and a filter in front of the servlet works for the same
 * request.
 */
abstract class ServletTaggingContract extends HttpTaggingContract {

  @Override
  String probeRoute(String kind, boolean withId) {
    return "GET /shop/probe/" + kind + (withId ? "/{id}" : "");
  }

  @Override
  String requestThreads() {
    return "app-\\d+";
  }

  @Test
  void outermostFilterOpensTheRequestAndTheServletJoinsIt() throws Exception {
    Http.Response response =
        Http.get(app.port(), "/shop/probe/prepared?filter=1", "X-Request-Id: filter-1");
    assertEquals(200, response.status(), response.body());
    assertTagged(response.header("X-Filter-Sent"), "GET /shop/probe/prepared", "filter-1");
    assertTagged(response.values("sent").get(0), "GET /shop/probe/prepared", "filter-1");
  }
}
