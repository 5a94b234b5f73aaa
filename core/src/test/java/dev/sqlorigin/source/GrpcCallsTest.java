package dev.sqlorigin.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gRPC call's life as the advice reports it, with plain objects standing for gRPC's call,
 * listener and context: what is bound where, what the client gets back, and when the request is
 * abandoned or ends.
 */
class GrpcCallsTest {

  private final Object serverCall = new Object();
  private final Object listener = new Object();

  @AfterEach
  void settings() {
    Config.install(Config.defaults());
  }

  @Test
  void aCallIsBoundInStartCallAndAroundEachEventAndEndsWithItsLastEvent() {
    Binding starting =
        GrpcCalls.startCall(serverCall, "shop.Orders/Create", "order-7", -1, null, null);
    RequestContext context = starting.context();
    assertEquals("/shop.Orders/Create", context.route());
    assertEquals("order-7", context.requestId());
    assertSame(context, CurrentRequest.get(), "bound while startCall runs");
    GrpcCalls.startCallReturned(starting, serverCall, listener, null);
    assertNull(CurrentRequest.get(), "the thread lets go when startCall returns");

    Binding event = GrpcCalls.enterListener(listener);
    assertSame(context, CurrentRequest.get());
    GrpcCalls.exitListener(event);
    assertNull(CurrentRequest.get(), "nothing stays on the thread after an event");
    assertNull(GrpcCalls.enterListener(new Object()), "another listener is not the call's");

    Binding last = GrpcCalls.enterListener(listener);
    GrpcCalls.listenerDone(listener, last);
    assertNull(CurrentRequest.get());
    assertTrue(context.ended());
    assertFalse(RequestRegistry.snapshot().contains(context));
    assertNull(GrpcCalls.enterListener(listener), "an ended call's listener is forgotten");
    assertNull(GrpcCalls.headersSent(serverCall), "an ended call's ServerCall is forgotten");
  }

  @Test
  void theRequestIdGoesBackOnceInTheHeadersOrElseInTheTrailers() {
    Binding starting = GrpcCalls.startCall(serverCall, "shop.Orders/Get", null, -1, null, null);
    String generated = starting.context().requestId();
    GrpcCalls.startCallReturned(starting, serverCall, listener, null);
    assertEquals(generated, GrpcCalls.headersSent(serverCall));
    assertNull(GrpcCalls.headersSent(serverCall), "headers go out once");
    assertNull(GrpcCalls.closing(serverCall, 0), "the headers carried it already");
    GrpcCalls.listenerDone(listener, null);

    Object trailersOnly = new Object();
    Object itsListener = new Object();
    Binding failing = GrpcCalls.startCall(trailersOnly, "shop.Orders/Get", "e-1", -1, null, null);
    GrpcCalls.startCallReturned(failing, trailersOnly, itsListener, null);
    assertEquals("e-1", GrpcCalls.closing(trailersOnly, 5), "an answer of trailers only");
    GrpcCalls.listenerDone(itsListener, null);
  }

  @Test
  void aStartCallThatThrowsEndsTheCall() {
    Binding starting = GrpcCalls.startCall(serverCall, "shop.Orders/Create", null, -1, null, null);
    RequestContext context = starting.context();
    GrpcCalls.startCallReturned(
        starting, serverCall, null, new IllegalStateException("the handler failed"));
    assertNull(CurrentRequest.get());
    assertTrue(context.ended());
    assertNull(GrpcCalls.cancellationListener(serverCall));
  }

  @Test
  void aCancelledContextAbandonsTheCallAndItsLastEventEndsIt() throws Throwable {
    Binding starting =
        GrpcCalls.startCall(serverCall, "shop.Orders/Create", "gone-1", -1, null, null);
    RequestContext context = starting.context();
    InvocationHandler cancellation = GrpcCalls.cancellationListener(serverCall);
    GrpcCalls.startCallReturned(starting, serverCall, listener, null);

    cancelled(cancellation, new GrpcContext(new RuntimeException("RST_STREAM")));
    assertEquals(AbandonReason.RPC_CANCELLED, context.abandonment().reason());
    assertFalse(context.ended(), "the call ends with its last event, after its method returned");
    GrpcCalls.listenerDone(listener, GrpcCalls.enterCancelled(listener));
    assertTrue(context.ended());
  }

  @Test
  void aContextCancelledWithoutACauseEndsTheCallWithoutAbandoningIt() throws Throwable {
    Binding starting = GrpcCalls.startCall(serverCall, "shop.Orders/Create", null, -1, null, null);
    RequestContext context = starting.context();
    InvocationHandler cancellation = GrpcCalls.cancellationListener(serverCall);
    GrpcCalls.startCallReturned(starting, serverCall, listener, null);
    cancelled(cancellation, new GrpcContext(null));
    assertNull(context.abandonment());
    assertTrue(context.ended());
  }

  @Test
  void aCancellationNearTheClientsDeadlineIsTheDeadlines() throws Throwable {
    // A tenth of the call's time before its deadline, 20 ms at least: a 5 ms deadline is within.
    Binding early =
        GrpcCalls.startCall(
            serverCall, "shop.Orders/Create", null, TimeUnit.SECONDS.toNanos(60), null, null);
    InvocationHandler cancellation = GrpcCalls.cancellationListener(serverCall);
    GrpcCalls.startCallReturned(early, serverCall, listener, null);
    cancelled(cancellation, new GrpcContext(new RuntimeException("RST_STREAM")));
    assertEquals(
        AbandonReason.RPC_CANCELLED,
        early.context().abandonment().reason(),
        "a minute before the deadline, the client cancelled");
    GrpcCalls.listenerDone(listener, null);

    Object late = new Object();
    Object lateListener = new Object();
    Binding nearly =
        GrpcCalls.startCall(
            late, "shop.Orders/Create", null, TimeUnit.MILLISECONDS.toNanos(5), null, null);
    InvocationHandler lateCancellation = GrpcCalls.cancellationListener(late);
    GrpcCalls.startCallReturned(nearly, late, lateListener, null);
    cancelled(lateCancellation, new GrpcContext(new RuntimeException("RST_STREAM")));
    assertEquals(AbandonReason.RPC_DEADLINE, nearly.context().abandonment().reason());
    GrpcCalls.listenerDone(lateListener, null);
  }

  @Test
  void requestIdHeadersAreReadAsGrpcKeysAndThoseGrpcCannotCarryAreSkipped() {
    Config.install(
        Config.load(
            Map.of(Config.REQUEST_ID_HEADERS, "X-Trace-Bin,X-Correlation-Id,X-Request-Id"),
            Map.of()));
    assertEquals(List.of("x-correlation-id", "x-request-id"), GrpcCalls.requestIdKeys());
    assertEquals("x-correlation-id", GrpcCalls.responseKey());
  }

  @Test
  void theMajorVersionIsReadFromReleaseAndSnapshotNames() {
    assertEquals(1, GrpcVersion.major("1.85.1"));
    assertEquals(2, GrpcVersion.major("2.0.0-SNAPSHOT"));
    assertEquals(-1, GrpcVersion.major("unknown"));
    assertEquals(-1, GrpcVersion.major(null));
  }

  private static void cancelled(InvocationHandler cancellation, GrpcContext context)
      throws Throwable {
    assertNotNull(cancellation);
    Method method = GrpcContext.Listener.class.getMethod("cancelled", Object.class);
    cancellation.invoke(null, method, new Object[] {context});
  }

  /** What the listener reads of gRPC's Context: its cancellation cause, by reflection. */
  public static final class GrpcContext {
    private final Throwable cause;

    GrpcContext(Throwable cause) {
      this.cause = cause;
    }

    public Throwable cancellationCause() {
      return cause;
    }

    /** The shape of gRPC's {@code Context.CancellationListener}. */
    public interface Listener {
      void cancelled(Object context);
    }
  }
}
