package dev.sqlorigin.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RoutesTest {

  @Test
  void exactMappingIsTheRoute() {
    assertEquals(
        "POST /api/imports",
        Routes.servlet("POST", "", "/api/imports", null, "/api/imports", "EXACT"));
  }

  @Test
  void prefixMappingGivesThePathWithIdsReplaced() {
    assertEquals(
        "GET /shop/api/owners/{id}/pets/{id}",
        Routes.servlet(
            "GET",
            "/shop",
            "/api/owners",
            "/42/pets/6f1c1f0e-8d2b-4b8e-9a51-1c2b3d4e5f60",
            "/api/owners/*",
            "PATH"));
  }

  @Test
  void templateVariablesLoseTheirRegularExpressions() {
    assertEquals(
        "GET /shop/owners/{id}/pets/{petId}",
        Routes.template("GET", "/shop", "/owners/{id: [0-9]+}/pets/{petId:\\d{1,3}}"));
    assertEquals("GET /files/{path}", Routes.template("GET", "", "files/{path : .+}"));
    // A colon outside a variable is part of the path.
    assertEquals("GET /v1:batch/{id}", Routes.template("GET", "", "/v1:batch/{id}"));
  }

  @Test
  void contextRootAndDefaultServlet() {
    assertEquals("GET /app/", Routes.servlet("GET", "/app", "", "/", "", "CONTEXT_ROOT"));
    assertEquals(
        "GET /static/{id}/logo.png",
        Routes.servlet("GET", "", "/static/20261121/logo.png", null, "/", "DEFAULT"));
  }

  @Test
  void idLikeSegments() {
    for (String id :
        new String[] {
          "42",
          "6f1c1f0e-8d2b-4b8e-9a51-1c2b3d4e5f60",
          "0123456789abcdef0123",
          "ORD-2024-000123",
          "123abc"
        }) {
      assertTrue(Routes.isIdLike(id), id);
    }
    for (String word : new String[] {"owners", "v2", "api", "cafe", "page2", "edit"}) {
      assertFalse(Routes.isIdLike(word), word);
    }
  }

  @Test
  void hostilePathsStayBounded() {
    String longSegment = "z".repeat(10_000);
    assertEquals("GET /x/{...}", Routes.servlet("GET", "", "/x/" + longSegment, null, null, null));
    String deep = "/a".repeat(100);
    assertEquals(
        "GET " + "/a".repeat(Routes.MAX_SEGMENTS) + "/{...}",
        Routes.servlet("GET", "", deep, null, null, null));
  }

  @Test
  void unusualMethodsCollapse() {
    assertEquals("_OTHER", Routes.method("get"));
    assertEquals("_OTHER", Routes.method("GET */"));
    assertEquals("_OTHER", Routes.method(null));
    assertEquals("PATCH", Routes.method("PATCH"));
  }

  @Test
  void emptyAndRootPaths() {
    assertEquals("/", Routes.normalizePath(""));
    assertEquals("/", Routes.normalizePath("//"));
    assertEquals("/a/", Routes.normalizePath("/a/"));
  }

  @Test
  void threadNamesLoseTheirNumbers() {
    assertEquals("pool-{n}-thread-{n}", Routes.threadName("pool-3-thread-12"));
  }

  @Test
  void jobOriginsKeepTheirNameAndLoseTheirIds() {
    assertEquals("job:import-learners", Routes.origin("job:import-learners"));
    assertEquals("job:import/{id}", Routes.origin(" job:import/42 "));
    assertEquals("job:{id}:run", Routes.origin("job:3f2a9c1e-0000-4000-8000-00000000abcd:run"));
    assertEquals("job", Routes.origin(""));
    assertEquals("job", Routes.origin(null));
    assertEquals("a:{...}", Routes.origin("a:" + "x".repeat(200)));
  }

  @Test
  void frameworkTemplateJoinsItsBasePathAndKeepsPlaceholders() {
    assertEquals(
        "GET /petclinic/owners/{ownerId}/pets/{petId}/edit",
        Routes.template("GET", "/petclinic", "/owners/{ownerId}/pets/{petId}/edit"));
    assertEquals("POST /api/owners", Routes.template("POST", "/api/", "owners/"));
    assertEquals("GET /", Routes.template("GET", "", "/"));
    assertEquals("GET /", Routes.template("GET", null, null));
  }

  @Test
  void frameworkTemplateStaysBounded() {
    String route = Routes.template("GET", "", "/a".repeat(40) + "/{" + "x".repeat(200) + "}");
    assertEquals("GET " + "/a".repeat(Routes.MAX_SEGMENTS) + "/{...}", route);
    assertEquals("GET /x/{...}", Routes.template("GET", "/x", "/{" + "y".repeat(100) + "}"));
  }

  @Test
  void servletBaseIncludesTheServletPathOnlyUnderAPrefixMapping() {
    assertEquals("/shop/api", Routes.servletBase("/shop", "/api", "/owners/1"));
    assertEquals("/shop", Routes.servletBase("/shop", "/owners/1", null));
    assertEquals("", Routes.servletBase("", "/owners/1", null));
  }

  @Test
  void rpcRouteIsTheFullMethodNameKeptWhole() {
    assertEquals("/shop.Orders/Create", Routes.rpc("shop.Orders/Create"));
    // A registered method name is no ID, whatever digits it has.
    assertEquals("/shop.v2.Orders/Get2024", Routes.rpc("shop.v2.Orders/Get2024"));
    assertEquals("/grpc.health.v1.Health/Check", Routes.rpc("grpc.health.v1.Health/Check"));
  }

  @Test
  void rpcNameThatNoServerRegistersIsBoundedLikeAPath() {
    assertEquals("/shop.Any/{id}/x", Routes.rpc("shop.Any/123456/x"));
    assertEquals("/a/b/c", Routes.rpc("a/b/c"));
    assertEquals("/shop.Any/*", Routes.rpc("shop.Any/*"));
    String deep = Routes.rpc("x/".repeat(100));
    assertTrue(deep.endsWith("/{...}") && deep.length() < 60, deep);
    assertEquals("/s/{...}", Routes.rpc("s/" + "m".repeat(300)));
    assertEquals("/", Routes.rpc(null));
  }
}
