package dev.sqlorigin.comment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sample of the fuzz inputs, sent to a real PostgreSQL: the statement means what it meant. */
class CommentThroughPostgresTest {

  private static final int SAMPLE = 1_000;

  @Test
  void hostileCommentsLeaveStatementsMeaningUnchanged() throws Exception {
    HostileStrings strings = new HostileStrings(7L);
    try (Connection connection = TestDatabase.get().connect();
        Statement plain = connection.createStatement()) {
      for (int i = 0; i < SAMPLE; i++) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("route", "x" + strings.next());
        fields.put("request_id", "y" + strings.next());
        CommentFormat format = i % 2 == 0 ? CommentFormat.SQLORIGIN : CommentFormat.SQLCOMMENTER;
        String comment = SqlComment.render(format, fields);
        String context = "sample " + i + ": " + comment;

        String sql = SqlComment.insert("SELECT 42 AS answer, current_query() AS sent", comment);
        try (ResultSet rs = plain.executeQuery(sql)) {
          assertTrue(rs.next(), context);
          assertEquals(42, rs.getInt("answer"), context);
          assertEquals(sql, rs.getString("sent"), "the server saw another text: " + context);
          assertRoundTrip(fields, rs.getString("sent"), context);
        }

        // A placeholder inside the comment would shift the parameters: there must be exactly one.
        String prepared =
            SqlComment.insert("SELECT ?::int AS answer, current_query() AS sent", comment);
        try (PreparedStatement statement = connection.prepareStatement(prepared)) {
          statement.setInt(1, i);
          try (ResultSet rs = statement.executeQuery()) {
            assertTrue(rs.next(), context);
            assertEquals(i, rs.getInt("answer"), context);
            assertRoundTrip(fields, rs.getString("sent"), context);
          }
        }
      }
      try (ResultSet rs =
          plain.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'pg_class'")) {
        assertTrue(rs.next());
        assertEquals(1, rs.getInt(1), "the catalog is intact");
      }
    }
  }

  private static void assertRoundTrip(Map<String, String> fields, String sent, String context) {
    Map<String, String> parsed = SqlComment.parse(sent);
    assertEquals(
        HostileStrings.expectedRoundTrip(fields.get("route")), parsed.get("route"), context);
    assertEquals(
        HostileStrings.expectedRoundTrip(fields.get("request_id")),
        parsed.get("request_id"),
        context);
  }
}
