package dev.sqlorigin.comment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginCommentFuzzTest {

  private static final long SEED = Long.getLong("sqlorigin.fuzz.seed", 20261130L);
  private static final int ITERATIONS = 50_000;
  private static final String[] KEYS = {
    "route", "controller", "action", "framework", "traceparent", "ddps", "dde", "application"
  };

  @Test
  void sqlcommenterFieldsOfAnyValueReadBackFromEitherEnd() {
    HostileStrings strings = new HostileStrings(SEED);
    for (int i = 0; i < ITERATIONS; i++) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put(KEYS[i % KEYS.length], "v" + strings.next());
      fields.put(KEYS[(i / KEYS.length) % KEYS.length], "w" + strings.next());
      String comment = SqlComment.render(CommentFormat.SQLCOMMENTER, fields);
      String sql =
          i % 2 == 0 ? comment + " SELECT 1" : "SELECT " + i + " /* app */ " + comment + ";";
      String context = "seed " + SEED + " iteration " + i + ": " + sql;
      OriginComment origin = OriginComment.read(sql);
      assertNotNull(origin, context);
      for (Map.Entry<String, String> field : fields.entrySet()) {
        assertEquals(
            HostileStrings.expectedRoundTrip(field.getValue()),
            origin.fields().get(field.getKey()),
            context);
      }
    }
  }

  @Test
  void anyTextReadsWithoutFailing() {
    HostileStrings strings = new HostileStrings(SEED + 1);
    String[] shapes = {"/*%s*/ SELECT 1", "SELECT 1 /*%s*/", "--%s\nSELECT", "%s", "/*+ %s */ %s"};
    for (int i = 0; i < ITERATIONS; i++) {
      String sql = shapes[i % shapes.length].replace("%s", strings.next() + strings.next());
      OriginComment origin = OriginComment.read(sql);
      if (origin != null) {
        origin.label(); // every path of the label, on whatever was read
        origin.requestId();
      }
    }
  }
}
