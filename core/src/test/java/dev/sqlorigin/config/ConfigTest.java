package dev.sqlorigin.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.CommentFormat;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void defaults() {
    Config config = Config.load(Map.of(), Map.of());
    assertTrue(config.enabled());
    // request_id and traceparent are opt-in: a value unique per request or statement defeats
    // server-side prepared statements.
    assertEquals(EnumSet.of(CommentField.ROUTE), config.commentFields());
    assertFalse(config.requestIdInApplicationName());
    assertEquals(Config.QueryText.SANITIZED, config.otelQueryText());
    assertEquals(CommentFormat.SQLORIGIN, config.commentFormat());
    assertEquals(null, config.outsideRequestOrigin());
    assertEquals(List.of("X-Request-Id"), config.requestIdHeaders());
    assertEquals(Config.DEFAULT_REQUEST_TIMEOUT, config.requestTimeout());
    assertEquals(Config.DEFAULT_POLL_INTERVAL, config.pollInterval());
    assertEquals(Config.DEFAULT_DISCONNECT_CHECK_AFTER, config.disconnectCheckAfter());
    assertEquals(Config.DEFAULT_SHUTDOWN_TIMEOUT, config.shutdownTimeout());
    assertEquals(Config.DEFAULT_CANCEL_TIMEOUT, config.cancelTimeout());
    assertTrue(config.cancelAbortOnTimeout());
    assertEquals(Config.DEFAULT_CANCEL_MAX_PER_DATABASE, config.cancelMaxPerDatabase());
    assertTrue(config.problems().isEmpty());
  }

  @Test
  void theTcpTablesAreReadFromProcNetUnlessAnotherAbsoluteDirectoryIsGiven() {
    assertEquals("/proc/net", Config.load(Map.of(), Map.of()).tcpTables());
    assertEquals(
        "/host/proc/1/net",
        Config.load(
                Map.of(),
                Map.of(Config.environmentName(Config.CANCEL_TCP_TABLES), "/host/proc/1/net"))
            .tcpTables());
    Config relative = Config.load(Map.of(Config.CANCEL_TCP_TABLES, "proc/net"), Map.of());
    assertEquals("/proc/net", relative.tcpTables());
    assertEquals(1, relative.problems().size(), relative.problems().toString());
    assertTrue(
        relative
            .problems()
            .get(0)
            .startsWith("ignoring " + Config.CANCEL_TCP_TABLES + "=\"proc/net\""),
        relative.problems().get(0));
  }

  @Test
  void durationsReadInTheirUnitsAndOutOfRangeValuesKeepTheDefault() {
    Config config =
        Config.load(
            Map.of(
                Config.REQUEST_TIMEOUT, "55s",
                Config.CANCEL_POLL_INTERVAL, "5ms",
                Config.CANCEL_TIMEOUT, "2m",
                Config.CANCEL_MAX_PER_DATABASE, "0"),
            Map.of());
    assertEquals(Duration.ofSeconds(55), config.requestTimeout());
    assertEquals(Config.DEFAULT_POLL_INTERVAL, config.pollInterval(), "below 10ms");
    assertEquals(Duration.ofMinutes(2), config.cancelTimeout());
    assertEquals(Config.DEFAULT_CANCEL_MAX_PER_DATABASE, config.cancelMaxPerDatabase());
    assertEquals(2, config.problems().size(), config.problems().toString());
    assertTrue(
        config.problems().stream()
            .anyMatch(problem -> problem.startsWith("ignoring " + Config.CANCEL_POLL_INTERVAL)),
        config.problems().toString());
    assertEquals(
        Duration.ZERO,
        Config.load(Map.of(Config.REQUEST_TIMEOUT, "off"), Map.of()).requestTimeout());
  }

  @Test
  void systemPropertiesWinOverEnvironment() {
    Config config =
        Config.load(
            Map.of(Config.COMMENT_FORMAT, "sqlcommenter"),
            Map.of(
                Config.environmentName(Config.COMMENT_FORMAT),
                "sqlorigin",
                Config.environmentName(Config.COMMENT_FIELDS),
                "route",
                Config.environmentName(Config.REQUEST_ID_HEADERS),
                "X-Correlation-Id, X-Request-Id"));
    assertEquals(CommentFormat.SQLCOMMENTER, config.commentFormat());
    assertEquals(EnumSet.of(CommentField.ROUTE), config.commentFields());
    assertEquals(List.of("X-Correlation-Id", "X-Request-Id"), config.requestIdHeaders());
  }

  @Test
  void badValuesKeepTheDefaultAndSayWhichKeyAndWhatIsAccepted() {
    Config config =
        Config.load(
            Map.of(Config.COMMENT_FORMAT, "xml", Config.REQUEST_ID_MAX_LENGTH, "5"),
            Map.of(
                Config.environmentName(Config.ENABLED),
                "yes please",
                Config.environmentName(Config.REQUEST_ID_HEADERS),
                "X Bad Header"));
    assertEquals(CommentFormat.SQLORIGIN, config.commentFormat());
    assertEquals(200, config.requestIdMaxLength());
    assertTrue(config.enabled());
    assertEquals(List.of("X-Request-Id"), config.requestIdHeaders());
    assertEquals(4, config.problems().size(), config.problems().toString());
    assertTrue(
        config
            .problems()
            .contains(
                "ignoring sqlorigin.comment.format=\"xml\": expected sqlorigin or sqlcommenter; using the default"),
        config.problems().toString());
    assertTrue(
        config.problems().stream().anyMatch(p -> p.startsWith("ignoring SQLORIGIN_ENABLED=")));
    assertEquals(
        "\"5\": expected a whole number from 8 to 1024",
        config.problem(Config.REQUEST_ID_MAX_LENGTH));
    assertEquals(
        "\"many\": expected a whole number from 1 to 64",
        Config.load(Map.of(Config.CANCEL_MAX_PER_DATABASE, "many"), Map.of())
            .problem(Config.CANCEL_MAX_PER_DATABASE));
  }

  @Test
  void outsideRequestOriginIsOffThreadOrATemplate() {
    assertEquals("thread:{thread}", origin("thread"));
    assertEquals("job:{thread}", origin("job:{thread}"));
    assertEquals("batch", origin("batch"));
    assertEquals(null, origin("off"));
    Config bad = Config.load(Map.of(Config.COMMENT_OUTSIDE_REQUEST, "job */ DROP"), Map.of());
    assertEquals(null, bad.outsideRequestOrigin());
    assertEquals(1, bad.problems().size(), bad.problems().toString());
  }

  private static String origin(String value) {
    return Config.load(Map.of(Config.COMMENT_OUTSIDE_REQUEST, value), Map.of())
        .outsideRequestOrigin();
  }

  @Test
  void noneLeavesTheCommentEmpty() {
    assertFalse(
        Config.load(Map.of(Config.COMMENT_FIELDS, "none"), Map.of())
            .commentFields()
            .contains(CommentField.ROUTE));
  }

  @Test
  void routeControlsAndTheirBadValues() {
    Config config =
        Config.load(
            Map.of(
                "sqlorigin.routes.blocked", "POST /api/imports, GET /api/reports/*",
                "sqlorigin.routes.queue-timeout", "2s",
                "sqlorigin.statements.slow-threshold", "10m"),
            Map.of(
                "SQLORIGIN_ROUTES_MAX_CONCURRENT", "POST /api/imports=1",
                "SQLORIGIN_CONTROL_FILE", "/etc/sqlorigin/control.properties"));
    assertEquals(2, config.blockedRoutes().size());
    assertEquals(1, config.routeLimits().values().iterator().next());
    assertEquals(java.time.Duration.ofSeconds(2), config.queueTimeout());
    assertEquals(java.time.Duration.ofMinutes(10), config.slowThreshold());
    assertEquals("/etc/sqlorigin/control.properties", config.controlFile());
    assertTrue(config.problems().isEmpty(), config.problems().toString());

    Config bad =
        Config.load(
            Map.of(
                "sqlorigin.routes.max-concurrent", "POST /api/imports=0",
                "sqlorigin.routes.blocked", "imports"),
            Map.of());
    assertTrue(bad.routeLimits().isEmpty());
    assertTrue(bad.blockedRoutes().isEmpty());
    assertEquals(2, bad.problems().size(), bad.problems().toString());
    assertTrue(
        bad.problem("sqlorigin.routes.max-concurrent")
            .contains("a cap must let at least 1 request through"),
        bad.problems().toString());
    assertTrue(
        bad.problems().stream()
            .anyMatch(
                line ->
                    line.startsWith(
                            "ignoring sqlorigin.routes.blocked=\"imports\": 'imports' is not")
                        && line.endsWith("; using the default")),
        bad.problems().toString());
  }

  @Test
  void environmentNames() {
    assertEquals(
        "SQLORIGIN_REQUEST_ID_MAX_LENGTH",
        Config.environmentName("sqlorigin.request-id.max-length"));
  }
}
