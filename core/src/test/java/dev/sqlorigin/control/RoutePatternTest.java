package dev.sqlorigin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutePatternTest {

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST /api/imports          | POST /api/imports                 | true",
        "POST /api/imports          | GET /api/imports                  | false",
        "POST /api/imports          | POST /api/imports/{id}            | false",
        "POST /api/imports          | POST /api/import                  | false",
        "POST /api/imports          | POST /api/importsx                | false",
        "POST /api/imports          | POSTX /api/imports                | false",
        // a path alone, or *, covers every method
        "/api/imports               | DELETE /api/imports               | true",
        "* /api/imports             | PUT /api/imports                  | true",
        // a template is matched literally, as the comment spells it
        "GET /petclinic/owners/{ownerId} | GET /petclinic/owners/{ownerId} | true",
        "GET /petclinic/owners/{ownerId} | GET /petclinic/owners/{id}   | false",
        // * ends a segment: the rest of it, and at the end everything below
        "GET /api/*                 | GET /api/owners                   | true",
        "GET /api/*                 | GET /api/owners/{id}/pets         | true",
        "GET /api/*                 | GET /api                          | false",
        "GET /api/*                 | GET /apix/owners                  | false",
        "GET /api/own*              | GET /api/owners/{id}              | true",
        "GET /api/own*              | GET /api/orders/{id}              | false",
        "GET /api/*/pets            | GET /api/{id}/pets                | true",
        "GET /api/*/pets            | GET /api/{id}/pets/{id}           | false",
        "GET /api/*/pets            | GET /api/{id}/toys                | false",
        "/*                         | PATCH /anything/at/all            | true",
        "GET /                      | GET /                             | true",
        "GET /                      | GET /x                            | false",
        "GET /owners/               | GET /owners/                      | true",
        "GET /owners/               | GET /owners                       | false",
        // named jobs have no method and path: no pattern covers them
        "/*                         | job:import-learners               | false",
        "/*                         | job:/x                            | false",
        // a gRPC call's route is its full method name alone: a pattern without a method covers it
        "/shop.Orders/Create        | /shop.Orders/Create               | true",
        "* /shop.Orders/Create      | /shop.Orders/Create               | true",
        "/shop.Orders/*             | /shop.Orders/Create               | true",
        "/shop.Orders/Create        | /shop.Orders/CreateMany           | false",
        "POST /shop.Orders/Create   | /shop.Orders/Create               | false",
        "GET /*                     | /shop.Orders/Create               | false",
        "GET /_OTHER                | GET /_OTHER                       | true",
        "_OTHER /x                  | _OTHER /x                         | true",
      })
  void coversRoutesAsDocumented(String pattern, String route, boolean covered) {
    assertEquals(covered, RoutePattern.parse(pattern).matches(route));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "api/imports            | the path must start with /",
        "post /api/imports      | 'post' is not an HTTP method in capitals",
        "POST /api/im*ports     | '*' may only end a segment",
        "POST /api/**           | '*' may only end a segment",
        "POST /api//imports     | an empty segment",
        "POST /api/x y          | a route has one space",
        "''                     | an empty route",
      })
  void refusesWhatNoRouteLooksLikeAndSaysWhy(String pattern, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.parse(pattern));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void controlCharactersAreRefusedAndNotEchoed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RoutePattern.parse("GET /a\u0000\nb"));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void normalisesWhatEveryMethodMeans() {
    assertEquals("/api/imports", RoutePattern.parse("* /api/imports").toString());
    assertEquals(RoutePattern.parse("/x"), RoutePattern.parse(" * /x "));
    assertTrue(RoutePattern.parse("POST /api/imports").exact());
    assertFalse(RoutePattern.parse("/api/imports").exact());
    assertFalse(RoutePattern.parse("GET /api/*").exact());
  }
}
