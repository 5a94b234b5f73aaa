package dev.sqlorigin.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.Refusal;
import dev.sqlorigin.control.RouteControls;
import dev.sqlorigin.control.RouteRules;
import java.util.Collections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Route blocks and concurrency caps as the lifecycle applies them: at the start, when a framework
 * refines the route, and at the end, which gives the slot back.
 */
class RouteAdmissionTest {

  private final RouteControls controls = RouteControls.get();

  @AfterEach
  void noRules() {
    controls.file(null, null);
    controls.settings(Collections.emptySet(), Collections.emptyMap(), 0);
  }

  private static RequestContext start(String route) {
    return RequestLifecycle.start(RequestStart.http("POST", route).requestId("adm-1"));
  }

  @Test
  void aBlockedRequestIsRefusedNeitherRegisteredNorBoundAndItsJdbcCallsFail() {
    controls.settings(RouteRules.parsePatterns("POST /api/imports"), Collections.emptyMap(), 0);
    RequestContext refused = start("POST /api/imports");
    Refusal refusal = refused.refusal();
    assertNotNull(refusal);
    assertEquals(Refusal.Reason.BLOCKED, refusal.reason());
    assertFalse(RequestRegistry.snapshot().contains(refused), "registered");
    assertNull(CurrentRequest.binding(), "bound");
    // A source that does not look at the refusal and runs the request: its JDBC calls fail fast.
    Binding binding = RequestLifecycle.bind(refused);
    try {
      assertEquals(
          refusal.message(), RequestLifecycle.statementStarted(binding, new Object(), null));
      assertEquals(refusal.message(), RequestLifecycle.refusal());
    } finally {
      RequestLifecycle.end(binding, 503, null);
    }
    assertNull(start("POST /api/other").refusal());
  }

  @Test
  void namedJobsAreNeitherBlockedNorCapped() {
    controls.settings(RouteRules.parsePatterns("/*"), RouteRules.parseLimits("/*=1"), 0);
    RequestContext job = RequestLifecycle.start(RequestStart.job("job:import"));
    assertNull(job.refusal());
    RequestLifecycle.complete(job, 0, null);
  }

  @Test
  void aCappedRouteAdmitsItsLimitAndTheEndGivesTheSlotBack() {
    controls.settings(Collections.emptySet(), RouteRules.parseLimits("POST /api/imports=1"), 0);
    RequestContext first = start("POST /api/imports");
    assertNull(first.refusal());
    RequestContext second = start("POST /api/imports");
    assertEquals(Refusal.Reason.CONCURRENCY_LIMIT, second.refusal().reason());
    assertEquals(1, controls.limitFor("POST /api/imports").running());
    RequestLifecycle.complete(first, 200, null);
    assertEquals(0, controls.limitFor("POST /api/imports").running());
    RequestContext third = start("POST /api/imports");
    assertNull(third.refusal());
    RequestLifecycle.complete(third, 200, null);
  }

  @Test
  void aRefinedRouteIsAdmittedAgainUnderItsOwnCap() {
    controls.settings(
        RouteRules.parsePatterns("GET /owners/{ownerId}/secret"),
        RouteRules.parseLimits("GET /owners/*=10, GET /owners/{ownerId}=1"),
        0);
    RequestContext first = RequestLifecycle.start(RequestStart.http("GET", "GET /owners/{id}"));
    Binding binding = RequestLifecycle.bind(first);
    RequestLifecycle.refineRoute("GET", "", "/owners/{ownerId}");
    assertNull(first.refusal());
    // Under both caps now: the wildcard one its servlet route took, the template's exact one.
    assertEquals(1, controls.limitFor("GET /owners/{id}").running());
    assertEquals(1, controls.limitFor("GET /owners/{ownerId}").running());
    RequestLifecycle.unbind(binding);

    RequestContext second = RequestLifecycle.start(RequestStart.http("GET", "GET /owners/{id}"));
    Binding other = RequestLifecycle.bind(second);
    RequestLifecycle.refineRoute("GET", "", "/owners/{ownerId}");
    assertEquals(Refusal.Reason.CONCURRENCY_LIMIT, second.refusal().reason());
    RequestLifecycle.end(other, 503, null);

    RequestContext blocked =
        RequestLifecycle.start(RequestStart.http("GET", "GET /owners/{id}/secret"));
    Binding third = RequestLifecycle.bind(blocked);
    RequestLifecycle.refineRoute("GET", "", "/owners/{ownerId}/secret");
    assertEquals(Refusal.Reason.BLOCKED, blocked.refusal().reason());
    assertTrue(RequestLifecycle.statementStarted(third, new Object(), null).contains("is blocked"));
    RequestLifecycle.end(third, 503, null);

    RequestLifecycle.complete(first, 200, null);
    assertEquals(0, controls.limitFor("GET /owners/{id}").running());
    assertEquals(0, controls.limitFor("GET /owners/{ownerId}").running());
  }
}
