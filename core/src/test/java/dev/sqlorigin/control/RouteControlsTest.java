package dev.sqlorigin.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouteControlsTest {

  private final RouteControls controls = new RouteControls();

  private static Set<RoutePattern> patterns(String list) {
    return RouteRules.parsePatterns(list);
  }

  @Test
  void nothingConfiguredIsInactiveAndRefusesNothing() {
    assertFalse(controls.active());
    assertNull(controls.refuseIfBlocked("POST /api/imports"));
    assertNull(controls.limitFor("POST /api/imports"));
  }

  @Test
  void aBlockedRouteIsRefusedWith503RetryAfterAndABodyNamingTheRule() {
    controls.settings(patterns("POST /api/imports, GET /api/reports/*"), Map.of(), 0);
    assertTrue(controls.active());
    Refusal refusal = controls.refuseIfBlocked("GET /api/reports/{id}");
    assertNotNull(refusal);
    assertEquals(503, refusal.status());
    assertEquals("60", refusal.retryAfter());
    assertEquals(Refusal.Reason.BLOCKED, refusal.reason());
    assertTrue(refusal.body().contains("GET /api/reports/{id} is blocked"), refusal.body());
    assertTrue(refusal.body().contains("'GET /api/reports/*', setting"), refusal.body());
    assertNull(controls.refuseIfBlocked("GET /api/owners/{id}"));
    assertArrayEquals(new long[] {1, 0}, controls.refusalsByRoute().get("GET /api/reports/{id}"));
  }

  @Test
  void theControlFileReplacesTheSettingsListAndJmxChangesAreListedApart() {
    controls.settings(patterns("GET /a"), Map.of(), 0);
    assertEquals(
        "blocked GET /b (control file); unblocked GET /a; blocks in force: GET /b",
        controls.file(patterns("GET /b"), null));
    assertFalse(controls.blocked("GET /a"));
    assertTrue(controls.blocked("GET /b"));

    assertEquals(
        "blocked GET /c (JMX, this JVM only); blocks in force: GET /b, GET /c",
        controls.block(RoutePattern.parse("GET /c")));
    assertEquals("GET /c is already blocked", controls.block(RoutePattern.parse("GET /c")));
    assertEquals(
        "in this JVM only, over the control file (blockRoute lifts this exception): unblocked"
            + " GET /b; blocks in force: GET /c",
        controls.unblock(RoutePattern.parse("GET /b")));
    assertFalse(controls.blocked("GET /b"));
    assertEquals(
        List.of(
            "GET /c (JMX, this JVM only)",
            "GET /b unblocked (JMX, this JVM only) over the control file"),
        controls.blockListing());

    // The file changes: this JVM's own block and exception stay.
    assertNotNull(controls.file(patterns("GET /b, GET /d"), null));
    assertTrue(controls.blocked("GET /c"));
    assertTrue(controls.blocked("GET /d"));
    assertFalse(controls.blocked("GET /b"));

    // Lifting the exception brings the file's block back.
    assertTrue(
        controls
            .block(RoutePattern.parse("GET /b"))
            .startsWith(
                "this JVM no longer makes an exception to the control file's block: blocked GET /b"));
    assertTrue(controls.blocked("GET /b"));

    // The file no longer says: the settings' list applies again.
    controls.file(null, null);
    assertTrue(controls.blocked("GET /a"));
    assertFalse(controls.blocked("GET /d"));
  }

  @Test
  void unblockingWhatIsNotBlockedChangesNothingAndSaysWhy() {
    controls.settings(patterns("GET /api/*"), Map.of(), 0);
    assertEquals("GET /x is not blocked", controls.unblock(RoutePattern.parse("GET /x")));
    assertTrue(
        controls
            .unblock(RoutePattern.parse("GET /api/owners"))
            .contains("covered by 'GET /api/*' (setting)"));
    assertTrue(controls.blocked("GET /api/owners"));
  }

  @Test
  void aCapLetsItsLimitThroughAndRefusesTheRestAtOnce() {
    controls.settings(Set.of(), RouteRules.parseLimits("POST /api/imports=1"), 0);
    Limit limit = controls.limitFor("POST /api/imports");
    assertNotNull(limit);
    assertNull(controls.admit("POST /api/imports", limit));
    Refusal refusal = controls.admit("POST /api/imports", limit);
    assertNotNull(refusal);
    assertEquals(Refusal.Reason.CONCURRENCY_LIMIT, refusal.reason());
    assertEquals("1", refusal.retryAfter());
    assertTrue(refusal.body().contains("at its limit of 1 concurrent request"), refusal.body());
    limit.release();
    assertNull(controls.admit("POST /api/imports", limit));
    limit.release();
    assertEquals(0, limit.running());
    assertArrayEquals(new long[] {0, 1}, controls.refusalsByRoute().get("POST /api/imports"));
  }

  @Test
  void aWildcardCapIsSharedByTheRoutesItCoversAndAnExactRuleWins() {
    controls.settings(Set.of(), RouteRules.parseLimits("GET /api/*=2, GET /api/reports/{id}=1"), 0);
    Limit shared = controls.limitFor("GET /api/owners/{id}");
    assertSame(shared, controls.limitFor("GET /api/orders/{id}"));
    assertEquals("GET /api/reports/{id}=1", controls.limitFor("GET /api/reports/{id}").toString());
  }

  @Test
  void aReloadKeepsTheSlotsOfRunningRequests() {
    controls.settings(Set.of(), RouteRules.parseLimits("POST /api/imports=2"), 0);
    Limit limit = controls.limitFor("POST /api/imports");
    assertTrue(limit.acquire(0));
    assertTrue(limit.acquire(0));
    controls.file(null, RouteRules.parseLimits("POST /api/imports=1"));
    Limit reloaded = controls.limitFor("POST /api/imports");
    assertSame(limit, reloaded);
    limit.release();
    // Still one running, under a limit of one now.
    assertFalse(reloaded.acquire(0));
    limit.release();
    assertTrue(reloaded.acquire(0));
    assertEquals(
        List.of("POST /api/imports: 1 of 1 running (control file)"), controls.limitListing());
  }

  @Test
  void withAQueueTimeoutARequestWaitsForTheSlotThatFrees() throws Exception {
    controls.settings(
        Set.of(), RouteRules.parseLimits("POST /api/imports=1"), TimeUnit.SECONDS.toNanos(30));
    Limit limit = controls.limitFor("POST /api/imports");
    assertNull(controls.admit("POST /api/imports", limit));
    CompletableFuture<Refusal> waiting =
        CompletableFuture.supplyAsync(() -> controls.admit("POST /api/imports", limit));
    // The second request waits while the first holds the slot...
    while (!waitingOn(limit)) {
      assertFalse(waiting.isDone(), "the second request did not wait");
      Thread.onSpinWait();
    }
    assertFalse(waiting.isDone());
    // ...and gets it as soon as the first lets go.
    limit.release();
    assertNull(waiting.get(30, TimeUnit.SECONDS));
    assertEquals(1, limit.running());
  }

  @Test
  void aQueueTimeoutThatPassesRefuses() {
    controls.settings(
        Set.of(), RouteRules.parseLimits("POST /api/imports=1"), TimeUnit.MILLISECONDS.toNanos(50));
    Limit limit = controls.limitFor("POST /api/imports");
    assertTrue(limit.acquire(0));
    long start = System.nanoTime();
    assertNotNull(controls.admit("POST /api/imports", limit));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
  }

  private static boolean waitingOn(Limit limit) {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getState() == Thread.State.TIMED_WAITING) {
        for (StackTraceElement frame : thread.getStackTrace()) {
          if (frame.getClassName().equals(Limit.class.getName())) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
