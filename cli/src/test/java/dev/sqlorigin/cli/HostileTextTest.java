package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sqlorigin.cli.support.Console;
import dev.sqlorigin.cli.support.Sessions;
import dev.sqlorigin.comment.CommentFormat;
import dev.sqlorigin.comment.SqlComment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a client puts in its comment or application_name reaches the operator's terminal inert: no
 * escape sequence, no control character, nothing 10 KB long; and JSON carries it whole.
 */
class HostileTextTest {

  // Clears the screen, sets the window title, rings, reverses the text that follows, hides text.
  static final String ESCAPES = "\u001b[2J\u001b]0;owned\u0007\u202e\u200b\u009b31m";
  static final String ROUTE = "GET /x" + ESCAPES + "*/ '\"<img src=x onerror=alert(1)>";
  static final String APPLICATION = "'\"><img src=x onerror=alert(1)>";

  static void startHostileSessions(Sessions sessions) throws Exception {
    String comment = SqlComment.render(CommentFormat.SQLORIGIN, Map.of("route", ROUTE));
    sessions.open(APPLICATION).start(SqlComment.insert("SELECT pg_sleep(600)", comment));
    // A plain comment with a raw escape character and 10 KB of text.
    sessions.open("big").start("/* \u001b[31m" + "A".repeat(10_000) + " */ SELECT pg_sleep(600)");
    sessions.await(
        "the hostile statements to run",
        rows -> rows.stream().filter(r -> "PgSleep".equals(r.waitEvent())).count() == 2);
  }

  @Test
  void controlCharactersAndLongTextNeverReachTheTerminal() throws Exception {
    try (Sessions sessions = new Sessions()) {
      startHostileSessions(sessions);
      for (String command : new String[] {"activity", "locks"}) {
        Console.Result result = Console.against(command, "--min-age", "0s");
        assertEquals(0, result.exitCode(), result.toString());
        assertInert(result.out());
      }
      Console.Result activity =
          Console.against("activity", "--min-age", "0s").saveAs("hostile-activity");
      assertTrue(
          activity.out().contains("GET /x\\x1b[2J\\x1b]0;owned\\x07\\u202e\\u200b\\x9b31m*/"),
          activity.out());
      assertTrue(activity.out().contains("\\x1b[31mAAAA"), activity.out());
      for (String line : activity.lines()) {
        assertTrue(line.length() < 400, "a line of " + line.length() + " characters: " + line);
      }
    }
  }

  @Test
  void jsonCarriesTheValuesWholeAndInert() throws Exception {
    try (Sessions sessions = new Sessions()) {
      startHostileSessions(sessions);
      Console.Result result = Console.against("activity", "--json", "--min-age", "0s");
      assertInert(result.out());
      assertFalse(result.out().contains("<"), "'<' is escaped in JSON: " + result.out());
      JsonNode group = IncidentReplayTest.group(IncidentReplayTest.json(result), ROUTE);
      assertEquals(APPLICATION, group.get("application").asText());
      JsonNode big =
          IncidentReplayTest.group(
              IncidentReplayTest.json(result), "\u001b[31m" + "A".repeat(10_000));
      assertEquals("comment", big.get("origin_source").asText());
    }
  }

  /** Printable characters and newlines only: nothing a terminal would act on. */
  static void assertInert(String output) {
    for (int i = 0; i < output.length(); i++) {
      char c = output.charAt(i);
      boolean control = (c < 0x20 && c != '\n') || (c >= 0x7f && c < 0xa0);
      boolean invisible = Character.getType(c) == Character.FORMAT;
      if (control || invisible) {
        fail(String.format("character U+%04X at %d reached the output:%n%s", (int) c, i, output));
      }
    }
  }
}
