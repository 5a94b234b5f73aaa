package dev.sqlorigin.agent.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QueryTextTest {

  @Test
  void stringAndNumericLiteralsBecomePlaceholders() {
    assertEquals(
        "SELECT * FROM owners WHERE name = ? AND id IN (?, ?) AND score > ?",
        QueryText.sanitize(
            "SELECT * FROM owners WHERE name = 'O''Brien' AND id IN (1, 22) AND score > 1.5e-3"));
  }

  @Test
  void escapeAndDollarQuotedStringsBecomePlaceholders() {
    assertEquals(
        "SELECT ?, ?, ?", QueryText.sanitize("SELECT E'it\\'s', $$a 'b' c$$, $tag$x$tag$"));
  }

  @Test
  void identifiersParametersAndCommentsStay() {
    String sql =
        "/*+ SeqScan(t2) */ SELECT \"col 1\", t2.x1 FROM t2 WHERE a = ? AND b = $1 -- note 5";
    assertEquals(sql, QueryText.sanitize(sql));
  }

  @Test
  void unterminatedLiteralHidesTheRest() {
    assertEquals("SELECT ?", QueryText.sanitize("SELECT 'secret"));
  }

  @Test
  void operationIsTheFirstKeyword() {
    assertEquals("SELECT", QueryText.operation("  /* c */ select 1"));
    assertEquals("CALL", QueryText.operation("{? = call f(?)}"));
    assertEquals("UPDATE", QueryText.operation("-- why\nUPDATE t SET a = 1"));
    assertNull(QueryText.operation("  "));
    assertNull(QueryText.operation("(1)"));
  }
}
