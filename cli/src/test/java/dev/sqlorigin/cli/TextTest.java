package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlorigin.cli.render.Inert;
import dev.sqlorigin.cli.render.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Durations, inert text and JSON, one class each. */
class TextTest {

  @Test
  void durationsReadAsAnOperatorTypesThem() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofSeconds(2), Durations.parse("2"));
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1H"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
  }

  @Test
  void durationsPrintShort() {
    assertEquals("3.2s", Durations.format(Duration.ofMillis(3250)));
    assertEquals("42s", Durations.format(Duration.ofSeconds(42)));
    assertEquals("9m02s", Durations.format(Duration.ofSeconds(542)));
    assertEquals("2h05m", Durations.format(Duration.ofMinutes(125)));
    assertEquals("3d04h", Durations.format(Duration.ofHours(76)));
    assertEquals("", Durations.format(null));
  }

  @Test
  void inertTextShowsControlsAsEscapesAndCuts() {
    assertEquals(
        "a\\x1b[2Jb\\x07 c \\u202e d", Inert.line("a\u001b[2Jb\u0007\n\t c \u202e d", 100));
    assertEquals("\\x9b", Inert.line("\u009b", 10));
    assertEquals("abcd…", Inert.line("abcdefgh", 5));
    assertEquals("日本…", Inert.line("日本語です", 3));
    assertEquals("", Inert.line(null, 5));
  }

  @Test
  void jsonEscapesWhatCouldActAndReadsBackTheSame() throws Exception {
    String hostile = "<script>\u001b[2J\u2028\u202e'\"\\ é😀";
    String json = Json.write(Map.of("v", hostile, "n", List.of(1, 2.5, true)));
    Map<?, ?> back = new ObjectMapper().readValue(json, Map.class);
    assertEquals(hostile, back.get("v"));
    assertEquals(List.of(1, 2.5, true), back.get("n"));
    for (char c : json.toCharArray()) {
      if (c < 0x20 || c == '<' || c == '>' || c == '\u2028' || c == '\u202e') {
        throw new AssertionError("unescaped U+" + Integer.toHexString(c) + " in " + json);
      }
    }
  }
}
