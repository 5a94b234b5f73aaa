package dev.sqlorigin.comment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlCommentTest {

  private static Map<String, String> fields(String route, String requestId) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("route", route);
    fields.put("request_id", requestId);
    return fields;
  }

  private static final String COMMENT =
      SqlComment.render(CommentFormat.SQLORIGIN, fields("GET /owners/{id}", "abc-1"));

  @Test
  void readableFormatShowsRouteAndRequestIdAsIs() {
    assertEquals("/*sqlorigin route='GET /owners/{id}' request_id='abc-1'*/", COMMENT);
  }

  @Test
  void sqlcommenterFormatSortsKeysAndUrlEncodesValues() {
    String comment =
        SqlComment.render(CommentFormat.SQLCOMMENTER, fields("GET /owners/{id}", "abc-1"));
    assertEquals("/*request_id='abc-1',route='GET%20%2Fowners%2F%7Bid%7D'*/", comment);
    assertEquals(fields("GET /owners/{id}", "abc-1"), SqlComment.parse(comment + " SELECT 1"));
  }

  @Test
  void emptyAndMissingValuesAreLeftOut() {
    assertEquals(
        "/*sqlorigin route='GET /'*/",
        SqlComment.render(CommentFormat.SQLORIGIN, fields("GET /", null)));
    assertNull(SqlComment.render(CommentFormat.SQLORIGIN, fields(null, "")));
  }

  @Test
  void commentGoesFirst() {
    assertEquals(COMMENT + " SELECT 1", SqlComment.insert("SELECT 1", COMMENT));
  }

  @Test
  void commentGoesAfterALeadingHintBlock() {
    String sql = "  /*+ SeqScan(t) /* nested */ */SELECT * FROM t";
    assertEquals(
        "  /*+ SeqScan(t) /* nested */ */ " + COMMENT + " SELECT * FROM t",
        SqlComment.insert(sql, COMMENT));
  }

  @Test
  void unterminatedHintIsLeftAlone() {
    String sql = "/*+ SeqScan(t) SELECT 1";
    assertSame(sql, SqlComment.insert(sql, COMMENT));
  }

  @Test
  void commentGoesAfterTheCallKeywordOfJdbcEscapes() {
    assertEquals("{call " + COMMENT + " f(?)}", SqlComment.insert("{call f(?)}", COMMENT));
    assertEquals(
        " { ? = CALL\t" + COMMENT + " f(?, ?) }",
        SqlComment.insert(" { ? = CALL\tf(?, ?) }", COMMENT));
  }

  @Test
  void aStatementThatAlreadyStartsWithAnotherCommentGetsOursInFront() {
    assertEquals(COMMENT + " /* app */ SELECT 1", SqlComment.insert("/* app */ SELECT 1", COMMENT));
  }

  @Test
  void taggingTwiceAddsNothing() {
    for (String sql :
        new String[] {"SELECT 1", "{call f(?)}", "/*+ Hint */ SELECT 1", "{? = call f()}"}) {
      String once = SqlComment.insert(sql, COMMENT);
      assertTrue(SqlComment.isTagged(once), once);
      assertSame(once, SqlComment.insert(once, COMMENT));
      String other = SqlComment.render(CommentFormat.SQLORIGIN, fields("POST /x", "other"));
      assertSame(
          once, SqlComment.insert(once, other), "a nested call must not add a second comment");
    }
    String commenter = SqlComment.render(CommentFormat.SQLCOMMENTER, fields("GET /", "id"));
    String tagged = SqlComment.insert("SELECT 1", commenter);
    assertSame(tagged, SqlComment.insert(tagged, commenter));
  }

  @Test
  void untaggedStatementsAreNotMistakenForTaggedOnes() {
    assertFalse(SqlComment.isTagged("SELECT 1"));
    assertFalse(SqlComment.isTagged("/* hello */ SELECT 1"));
    assertFalse(SqlComment.isTagged("/*traceparent='00-abc'*/ SELECT 1"));
  }

  @Test
  void parseReadsTheCommentBackAfterPgjdbcRewroteACallEscape() {
    String rewritten = "select * from " + COMMENT + " f($1) as result";
    assertEquals(fields("GET /owners/{id}", "abc-1"), SqlComment.parse(rewritten));
  }

  @Test
  void parseIgnoresOtherComments() {
    assertTrue(SqlComment.parse("/* plain */ /*traceparent='00-1-2-01'*/ SELECT 1").isEmpty());
    assertTrue(SqlComment.parse("/*sqlorigin route='unterminated").isEmpty());
    assertTrue(SqlComment.parse(null).isEmpty());
  }

  @Test
  void dangerousCharactersAreEncodedAndDecoded() {
    String route = "GET /a*/b/*c'd\\e?f%g\n\u0000é日本\uD83D\uDE00";
    String comment = SqlComment.render(CommentFormat.SQLORIGIN, fields(route, "x"));
    assertEquals(
        "/*sqlorigin route='GET /a%2A/b/%2Ac%27d%5Ce%3Ff%25g%0A%00%C3%A9%E6%97%A5%E6%9C%AC%F0%9F%98%80'"
            + " request_id='x'*/",
        comment);
    assertEquals(route, SqlComment.parse(comment).get("route"));
  }

  @Test
  void loneSurrogatesBecomeTheReplacementCharacter() {
    String comment = SqlComment.render(CommentFormat.SQLORIGIN, fields("a\uD800b", "x"));
    assertEquals("a\uFFFDb", SqlComment.parse(comment).get("route"));
  }

  @Test
  void stripGivesBackTheSqlAsWritten() {
    for (String sql :
        new String[] {
          "SELECT 1",
          "  /*+ SeqScan(t) */SELECT * FROM t",
          "/*+ H */ SELECT 2",
          "{call f(?)}",
          "{? = call f(?)}"
        }) {
      assertEquals(sql, SqlComment.strip(SqlComment.insert(sql, COMMENT)));
    }
    assertSame(
        "SELECT 1 /*sqlorigin route='x'*/", SqlComment.strip("SELECT 1 /*sqlorigin route='x'*/"));
  }

  @Test
  void traceparentIsAddedLastAndReadFromTheLeadingComment() {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    String readable =
        SqlComment.withField(CommentFormat.SQLORIGIN, COMMENT, "traceparent", traceparent);
    assertEquals(
        "/*sqlorigin route='GET /owners/{id}' request_id='abc-1' traceparent='"
            + traceparent
            + "'*/",
        readable);
    assertEquals(
        traceparent,
        SqlComment.leadingFields(SqlComment.insert("SELECT 1", readable)).get("traceparent"));

    String commenter =
        SqlComment.withField(
            CommentFormat.SQLCOMMENTER,
            SqlComment.render(CommentFormat.SQLCOMMENTER, fields("GET /", "abc-1")),
            "traceparent",
            traceparent);
    assertEquals(
        "/*request_id='abc-1',route='GET%20%2F',traceparent='" + traceparent + "'*/", commenter);
    String tagged = SqlComment.insert("SELECT 1", commenter);
    assertEquals(traceparent, SqlComment.leadingFields(tagged).get("traceparent"));
    assertEquals("SELECT 1", SqlComment.strip(tagged));
  }

  @Test
  void aTraceparentFurtherInIsNotTheLeadingComment() {
    assertEquals(
        Map.of(), SqlComment.leadingFields("SELECT 1 /*sqlorigin traceparent='00-aa-bb-01'*/"));
  }
}
