package dev.sqlorigin.comment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sqlorigin.comment.OriginComment.Format;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginCommentTest {

  private static final String TRACEPARENT =
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void sqloriginReadableFormatGivesRouteAndRequestId() {
    OriginComment origin =
        OriginComment.read(
            "/*sqlorigin route='POST /api/campaign-participations' request_id='r-1'*/ UPDATE t SET a = 1");
    assertEquals(Format.SQLORIGIN, origin.format());
    assertEquals("POST /api/campaign-participations", origin.label());
    assertEquals("r-1", origin.requestId());
  }

  @Test
  void sqloriginIsFoundAfterAHintAndInsideARewrittenCallEscape() {
    assertEquals(
        "GET /x",
        OriginComment.read("/*+ SeqScan(t) */ /*sqlorigin route='GET /x'*/ SELECT 1").label());
    assertEquals(
        "GET /x",
        OriginComment.read("select * from /*sqlorigin route='GET /x'*/ f($1) as result").label());
    assertEquals(
        "GET /x",
        OriginComment.read("select * from /*route='GET%20%2Fx'*/ f($1) as result").label());
  }

  @Test
  void sqlcommenterValuesAreUrlDecodedWhetherLeadingOrTrailing() {
    OriginComment ours =
        OriginComment.read("/*request_id='r-2',route='GET%20%2Fowners%2F%7Bid%7D'*/ SELECT 1");
    assertEquals(Format.SQLCOMMENTER, ours.format());
    assertEquals("GET /owners/{id}", ours.label());
    assertEquals("r-2", ours.requestId());

    // Django's sqlcommenter middleware, appended as the specification says.
    OriginComment django =
        OriginComment.read(
            "SELECT * FROM polls_question /*controller='index',db_driver='django.db.backends.postgresql',"
                + "framework='django%3A2.2.1',route='%5Epolls/%24',traceparent='"
                + TRACEPARENT
                + "'*/;");
    assertEquals(Format.SQLCOMMENTER, django.format());
    assertEquals("^polls/$", django.label());
    assertEquals("django:2.2.1", django.fields().get("framework"));
    assertEquals(TRACEPARENT, django.traceparent());
  }

  @Test
  void controllerAndActionMakeARailsStyleLabel() {
    OriginComment rails =
        OriginComment.read("SELECT 1 /*action='index',application='Blog',controller='posts'*/");
    assertEquals("posts#index", rails.label());
    assertEquals("Blog", rails.application());
    assertEquals(
        "UsersController", OriginComment.read("/*controller='UsersController'*/ SELECT").label());
  }

  @Test
  void aTraceparentAloneNamesNoOrigin() {
    OriginComment otel = OriginComment.read("SELECT 1 /*traceparent='" + TRACEPARENT + "'*/");
    assertEquals(Format.SQLCOMMENTER, otel.format());
    assertNull(otel.label());
    assertEquals(TRACEPARENT, otel.traceparent());
  }

  @Test
  void queryLogsAndMarginaliaAreReadFromEitherEnd() {
    OriginComment marginalia =
        OriginComment.read(
            "SELECT books.* FROM books /*application:BookApp,controller:books,action:index*/");
    assertEquals(Format.QUERY_LOGS, marginalia.format());
    assertEquals("books#index", marginalia.label());
    assertEquals("BookApp", marginalia.application());

    OriginComment job =
        OriginComment.read("/*application:Blog,job:ImportLearnersJob*/ INSERT INTO t VALUES (1)");
    assertEquals("job:ImportLearnersJob", job.label());

    // marginalia's line component carries colons; a comma without a key belongs to the value.
    OriginComment line =
        OriginComment.read(
            "/*application:App,controller:a,action:b,line:/app/models/x.rb:12:in `f, g'*/ SELECT 1");
    assertEquals("a#b", line.label());
    assertEquals("/app/models/x.rb:12:in `f, g'", line.fields().get("line"));
  }

  @Test
  void datadogNamesTheServiceThatSentTheStatement() {
    OriginComment datadog =
        OriginComment.read(
            "/*ddps='orders%20api',dde='prod',dddbs='postgresql',ddh='db.internal',dddb='orders',"
                + "traceparent='"
                + TRACEPARENT
                + "'*/ SELECT 1");
    assertEquals(Format.DATADOG, datadog.format());
    assertEquals("orders api", datadog.label());
    assertEquals("prod", datadog.fields().get("dde"));
    assertEquals(TRACEPARENT, datadog.traceparent());
  }

  @Test
  void aLeadingPlainCommentIsReadAsText() {
    OriginComment block = OriginComment.read("  /* nightly import */ UPDATE t SET a = 1");
    assertEquals(Format.PLAIN, block.format());
    assertEquals("nightly import", block.label());
    assertEquals(
        "Metabase:: userID: 1 queryType: native",
        OriginComment.read("-- Metabase:: userID: 1 queryType: native\nSELECT 1").label());
    assertEquals("note: slow", OriginComment.read("/* note: slow */ SELECT 1").label());
    assertEquals(Map.of(), block.fields());
  }

  @Test
  void aStructuredTrailingCommentWinsOverAPlainLeadingOne() {
    OriginComment origin =
        OriginComment.read("/* load Owner */ SELECT 1 /*route='GET%20%2Fowners'*/");
    assertEquals(Format.SQLCOMMENTER, origin.format());
    assertEquals("GET /owners", origin.label());
  }

  @Test
  void statementsWithoutAReadableCommentHaveNoOrigin() {
    assertNull(OriginComment.read(null));
    assertNull(OriginComment.read("SELECT 1"));
    assertNull(OriginComment.read("SELECT '/* not a comment'"));
    assertNull(OriginComment.read("/**/ SELECT 1"));
    assertNull(OriginComment.read("SELECT 1 /* trailing prose */"));
    assertNull(OriginComment.read("<insufficient privilege>"));
  }

  @Test
  void hostileValuesComeBackDecodedForThePrinterToNeutralise() {
    OriginComment origin =
        OriginComment.read("/*sqlorigin route='%1B%5B2J%2A/' request_id='%00'*/ SELECT 1");
    assertEquals("\u001b[2J*/", origin.label());
    assertEquals("\u0000", origin.requestId());
  }
}
