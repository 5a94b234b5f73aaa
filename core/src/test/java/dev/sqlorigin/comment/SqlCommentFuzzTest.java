package dev.sqlorigin.comment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlCommentFuzzTest {

  private static final long SEED = Long.getLong("sqlorigin.fuzz.seed", 20261121L);
  private static final int ITERATIONS = 100_000;
  // A statement, and where the comment (@) must land in it, everything else unchanged.
  private static final String[][] STATEMENTS = {
    {"SELECT 1", "@ SELECT 1"},
    {"  /*+ SeqScan(t) */SELECT * FROM t", "  /*+ SeqScan(t) */ @ SELECT * FROM t"},
    {"{call f(?)}", "{call @ f(?)}"},
    {"{ ? = call f(?) }", "{ ? = call @ f(?) }"},
    {"/* app comment */ UPDATE t SET a = 1", "@ /* app comment */ UPDATE t SET a = 1"},
    {"-- line comment\nSELECT 2", "@ -- line comment\nSELECT 2"}
  };

  @Test
  void noGeneratedRouteOrRequestIdCanEscapeTheComment() {
    HostileStrings strings = new HostileStrings(SEED);
    for (int i = 0; i < ITERATIONS; i++) {
      String route = strings.next();
      String requestId = strings.next();
      CommentFormat format = i % 2 == 0 ? CommentFormat.SQLORIGIN : CommentFormat.SQLCOMMENTER;
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("route", route);
      fields.put("request_id", requestId);
      String comment = SqlComment.render(format, fields);
      String context =
          "seed "
              + SEED
              + " iteration "
              + i
              + " route="
              + escape(route)
              + " id="
              + escape(requestId)
              + " comment="
              + comment;
      if (comment == null) {
        assertTrue(route.isEmpty() && requestId.isEmpty(), context);
        continue;
      }
      assertWellFormed(comment, context);

      String[] statement = STATEMENTS[i % STATEMENTS.length];
      String tagged = SqlComment.insert(statement[0], comment);
      assertEquals(statement[1].replace("@", comment), tagged, context);
      Map<String, String> parsed = SqlComment.parse(tagged);
      if (!route.isEmpty()) {
        assertEquals(HostileStrings.expectedRoundTrip(route), parsed.get("route"), context);
      }
      if (!requestId.isEmpty()) {
        assertEquals(
            HostileStrings.expectedRoundTrip(requestId), parsed.get("request_id"), context);
      }
    }
  }

  /** Starts and ends the comment, nothing in between can end or nest one, all printable ASCII. */
  static void assertWellFormed(String comment, String context) {
    assertTrue(comment.startsWith("/*") && comment.endsWith("*/"), context);
    String inside = comment.substring(2, comment.length() - 2);
    if (inside.contains("*/")
        || inside.contains("/*")
        || inside.endsWith("*")
        || inside.startsWith("/")) {
      fail("comment can be closed or nested: " + context);
    }
    for (int i = 0; i < comment.length(); i++) {
      char c = comment.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '\\' || c == '?') {
        fail("unsafe character " + (int) c + " at " + i + ": " + context);
      }
    }
  }

  private static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }
}
