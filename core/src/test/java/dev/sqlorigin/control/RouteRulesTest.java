package dev.sqlorigin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteRulesTest {

  @Test
  void aListOfPatternsKeepsItsOrderAndDropsRepeats() {
    assertEquals(
        List.of("POST /api/imports", "GET /api/reports/*"),
        RouteRules.parsePatterns(" POST /api/imports ,GET /api/reports/*, POST /api/imports")
            .stream()
            .map(RoutePattern::toString)
            .toList());
    assertTrue(RouteRules.parsePatterns("none").isEmpty());
    assertTrue(RouteRules.parsePatterns("  ").isEmpty());
  }

  @Test
  void limitsAreReadInTheOrderWritten() {
    Map<RoutePattern, Integer> limits =
        RouteRules.parseLimits("POST /api/imports=1, GET /api/reports/* = 4");
    assertEquals(
        List.of("POST /api/imports=1", "GET /api/reports/*=4"),
        limits.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    assertTrue(RouteRules.parseLimits("none").isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST /api/imports=0        | a cap must let at least 1 request through",
        "POST /api/imports=-2       | a cap must let at least 1 request through",
        "POST /api/imports=two      | not a whole number",
        "POST /api/imports=1000001  | 100000 at most",
        "POST /api/imports          | has no limit",
        "POST /api/imports=1,,GET /x=2 | an empty entry",
        "POST /api/imports=1, POST /api/imports=2 | given twice",
        "api/imports=1              | the path must start with /",
      })
  void aBadEntryRejectsTheWholeListAndSaysWhich(String value, String why) {
    RouteRules.Invalid e =
        assertThrows(RouteRules.Invalid.class, () -> RouteRules.parseLimits(value));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  @Test
  void aBadPatternRejectsTheBlockList() {
    RouteRules.Invalid e =
        assertThrows(
            RouteRules.Invalid.class, () -> RouteRules.parsePatterns("POST /api/imports, imports"));
    assertTrue(e.getMessage().contains("'imports' is not a route"), e.getMessage());
  }
}
