package dev.sqlorigin.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void commonIdsAreAccepted() {
    for (String id :
        new String[] {
          "3f2a9c1e-0b7d-4c1a-9d55-1b2c3d4e5f60", "demo-1", "Zm9vYmFy+/=", "req:42@edge.example"
        }) {
      assertEquals(id, RequestIds.accept(id, 200));
    }
  }

  @Test
  void unsafeOrOversizedIdsAreRefused() {
    for (String id :
        new String[] {
          "", "a b", "*/ DROP TABLE t; --", "a'b", "a\nb", "é", "a*b", "a?b", "x".repeat(201)
        }) {
      assertNull(RequestIds.accept(id, 200), id);
    }
    assertNull(RequestIds.accept(null, 200));
  }

  @Test
  void generatedIdsAre32HexDigitsAndDiffer() {
    String a = RequestIds.generate();
    String b = RequestIds.generate();
    assertTrue(a.matches("[0-9a-f]{32}"), a);
    assertNotEquals(a, b);
  }
}
