package dev.sqlorigin.label;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApplicationNameTest {

  @Test
  void requestIdFollowsTheApplicationsOwnName() {
    assertEquals("orders-api req=3f2a", ApplicationName.wanted("orders-api", "3f2a"));
    assertEquals("req=3f2a", ApplicationName.wanted("", "3f2a"));
    assertEquals("req=3f2a", ApplicationName.wanted(null, "3f2a"));
  }

  @Test
  void anotherRequestReplacesTheIdAndNoRequestRestoresTheOwnName() {
    assertEquals("orders-api req=b", ApplicationName.wanted("orders-api req=a", "b"));
    assertEquals("orders-api", ApplicationName.wanted("orders-api req=a", null));
    assertEquals("", ApplicationName.wanted("req=a", null));
  }

  @Test
  void aConnectionAlreadyNamedRightNeedsNothing() {
    assertNull(ApplicationName.wanted("orders-api req=a", "a"));
    assertNull(ApplicationName.wanted("orders-api", null));
    assertNull(ApplicationName.wanted("", null));
  }

  @Test
  void theServersLimitCutsTheOwnNameNeverTheId() {
    String own = "x".repeat(80);
    String id = "0123456789abcdef0123456789abcdef";
    String wanted = ApplicationName.wanted(own, id);
    assertEquals(63, wanted.length());
    assertTrue(wanted.endsWith(" req=" + id), wanted);
    // What the server stored is recognised as already right.
    assertNull(ApplicationName.wanted(wanted, id));
  }

  @Test
  void anIdTooLongForTheLimitIsCutAndStaysStable() {
    String id = "i".repeat(100);
    String wanted = ApplicationName.wanted("orders-api", id);
    assertEquals(63, wanted.length());
    assertTrue(wanted.startsWith("req=iii"), wanted);
    assertNull(ApplicationName.wanted(wanted, id));
    assertEquals("", ApplicationName.wanted(wanted, null));
  }

  @Test
  void charactersTheServerWouldEscapeAreReplacedFirst() {
    // PostgreSQL keeps printable ASCII only; a name it rewrote would never compare equal.
    assertEquals("caf? req=a", ApplicationName.wanted("café", "a"));
    assertNull(ApplicationName.wanted("caf? req=a", "a"));
  }
}
