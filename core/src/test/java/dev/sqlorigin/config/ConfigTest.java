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
  void environmentNames() {
    assertEquals(
        "SQLORIGIN_REQUEST_ID_MAX_LENGTH",
        Config.environmentName("sqlorigin.request-id.max-length"));
  }
}
