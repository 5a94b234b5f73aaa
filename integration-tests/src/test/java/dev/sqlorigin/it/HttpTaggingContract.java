package dev.sqlorigin.it;

import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.ProbeAnswer;
import org.junit.jupiter.api.Test;

/**
 * The tagging contract over HTTP: the probe is served under {@code /shop/probe}, and a request
 * whose path names its endpoint exactly ({@code /shop/owners}) has that path as its route, never
 * the query string.
 */
abstract class HttpTaggingContract extends TaggingContract {

  @Override
  ProbeAnswer probe(String target, String... headerLines) throws Exception {
    return Http.get(app.port(), "/shop/probe" + target, headerLines);
  }

  @Test
  void exactServletMappingIsTheRoute() throws Exception {
    Http.Response response =
        Http.get(app.port(), "/shop/owners?name=secret", "X-Request-Id: exact-1");
    assertTagged(response.values("sent").get(0), "GET /shop/owners", "exact-1");
  }
}
