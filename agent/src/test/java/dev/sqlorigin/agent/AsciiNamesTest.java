package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AsciiNamesTest {

  private final AsciiNames names = AsciiNames.of(List.of("execute", "commit", "doFilter"));

  @Test
  void aNameIsFoundAmongOtherBytesOnlyWhereItsBytesAndLengthMatch() {
    byte[] bytes = "xxexecuteQuery doFilter commit".getBytes(StandardCharsets.US_ASCII);
    assertTrue(names.contains(bytes, 2, 7), "execute");
    assertFalse(names.contains(bytes, 2, 12), "executeQuery: a longer name");
    assertFalse(names.contains(bytes, 2, 6), "execut: a shorter one");
    assertTrue(names.contains(bytes, 15, 8), "doFilter");
    assertTrue(names.contains(bytes, 24, 6), "commit, at the array's end");
    assertFalse(names.contains(bytes, 0, 7), "xxexecu");
    assertFalse(names.contains(bytes, 0, 0), "nothing");
  }

  @Test
  void aNameThatIsNotAsciiIsRefused() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> AsciiNames.of(List.of("exécute")));
    assertTrue(refused.getMessage().contains("exécute"), refused.getMessage());
  }

  @Test
  void theNamesAreKeptAsGiven() {
    assertEquals(Set.of("execute", "commit", "doFilter"), names.names());
  }
}
