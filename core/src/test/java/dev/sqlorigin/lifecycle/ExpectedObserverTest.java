package dev.sqlorigin.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.RouteControls;
import dev.sqlorigin.control.RoutePattern;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests that start while something they need (an observer such as the agent's telemetry, the
 * route controls, the weaving of the JDK's executors) is still being built.
 */
class ExpectedObserverTest {

  private final ExecutorService requests = Executors.newSingleThreadExecutor();

  @BeforeEach
  void configure() {
    Config.install(Config.defaults());
  }

  @AfterEach
  void stop() {
    requests.shutdownNow();
  }

  private static RequestContext start(String id) {
    return RequestLifecycle.start(RequestStart.http("GET", "GET /x").requestId(id));
  }

  @Test
  void aRequestThatStartsWhileAnObserverIsBuiltWaitsForItAndIsObserved() throws Exception {
    CompletableFuture<Void> building = new CompletableFuture<>();
    RequestLifecycle.expect(building, TimeUnit.SECONDS.toNanos(30), "late");
    AtomicReference<Thread> requestThread = new AtomicReference<>();
    Future<RequestContext> started = startOnItsThread("expected-1", requestThread);

    // The request waits (parked on the build) until the observer is there.
    awaitParked(requestThread);
    assertFalse(started.isDone());
    List<String> seen = new CopyOnWriteArrayList<>();
    RequestLifecycle.observe(
        new RequestObserver() {
          @Override
          public void requestStarted(RequestContext context, RequestStart start) {
            seen.add(context.requestId());
          }
        });
    building.complete(null);

    RequestContext context = started.get(10, TimeUnit.SECONDS);
    assertNotNull(context);
    assertTrue(seen.contains("expected-1"), "the observer built meanwhile saw it start: " + seen);
    RequestLifecycle.complete(context, 200, null);
  }

  @Test
  void aRequestWaitsForEverythingBeingBuiltForIt() throws Exception {
    CompletableFuture<Void> telemetry = new CompletableFuture<>();
    CompletableFuture<Void> executors = new CompletableFuture<>();
    RequestLifecycle.expect(telemetry, TimeUnit.SECONDS.toNanos(30), "late");
    RequestLifecycle.expect(executors, TimeUnit.SECONDS.toNanos(30), "late");
    AtomicReference<Thread> requestThread = new AtomicReference<>();
    Future<RequestContext> started = startOnItsThread("both-1", requestThread);

    executors.complete(null);
    awaitParked(requestThread);
    assertFalse(started.isDone(), "one of the two is still being built");
    telemetry.complete(null);

    RequestContext context = started.get(10, TimeUnit.SECONDS);
    assertNotNull(context);
    RequestLifecycle.complete(context, 200, null);
  }

  @Test
  void aRouteBlockInstalledWhileTheFirstRequestWaitsRefusesIt() throws Exception {
    // The agent installs the operator's controls beside the application's start: a JVM started
    // during an incident serves its first request under the fleet's blocks all the same.
    CompletableFuture<Void> controls = new CompletableFuture<>();
    RequestLifecycle.expect(controls, TimeUnit.SECONDS.toNanos(30), "late");
    AtomicReference<Thread> requestThread = new AtomicReference<>();
    Future<RequestContext> started = startOnItsThread("blocked-1", requestThread);

    awaitParked(requestThread);
    RoutePattern pattern = RoutePattern.parse("GET /x");
    RouteControls.get().block(pattern);
    try {
      controls.complete(null);
      RequestContext context = started.get(10, TimeUnit.SECONDS);
      assertNotNull(context.refusal(), "refused by the block installed while it waited");
    } finally {
      RouteControls.get().unblock(pattern);
    }
  }

  /** Starts request {@code id} on the requests' thread, which {@code thread} then holds. */
  private Future<RequestContext> startOnItsThread(String id, AtomicReference<Thread> thread) {
    return requests.submit(
        () -> {
          thread.set(Thread.currentThread());
          return start(id);
        });
  }

  /** Until the request's thread is parked, waiting on something being built. */
  private static void awaitParked(AtomicReference<Thread> requestThread) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (requestThread.get() == null
        || requestThread.get().getState() != Thread.State.TIMED_WAITING) {
      assertTrue(System.nanoTime() < deadline, "the request did not wait");
      Thread.onSpinWait();
    }
  }

  @Test
  void requestsWaitNoLongerThanTheBoundAndNotAtAllOnceItHasPassed() throws Exception {
    // A build that never completes (it hangs, or its thread died with the JVM's start).
    AtomicInteger waits = new AtomicInteger();
    Future<Void> never =
        new FutureTask<>(() -> null) {
          @Override
          public Void get(long timeout, TimeUnit unit) throws TimeoutException {
            waits.incrementAndGet();
            try {
              return super.get(timeout, unit);
            } catch (InterruptedException | ExecutionException e) {
              throw new AssertionError(e);
            }
          }
        };
    long bound = TimeUnit.MILLISECONDS.toNanos(200);
    RequestLifecycle.expect(never, bound, "late");

    long before = System.nanoTime();
    RequestContext first = requests.submit(() -> start("late-1")).get(10, TimeUnit.SECONDS);
    assertNotNull(first, "the request went on without the observer");
    assertTrue(System.nanoTime() - before >= bound, "it waited for the observer, up to the bound");
    RequestContext second = requests.submit(() -> start("late-2")).get(10, TimeUnit.SECONDS);
    assertNotNull(second);
    assertEquals(1, waits.get(), "once the bound has passed, requests no longer wait");
    RequestLifecycle.complete(first, 200, null);
    RequestLifecycle.complete(second, 200, null);
  }

  @Test
  void aBuildThatFailedHoldsNoRequest() throws Exception {
    CompletableFuture<Void> failed = new CompletableFuture<>();
    failed.completeExceptionally(new IllegalStateException("a bad setting"));
    RequestLifecycle.expect(failed, TimeUnit.SECONDS.toNanos(30), "late");

    RequestContext context = requests.submit(() -> start("failed-1")).get(10, TimeUnit.SECONDS);

    assertNotNull(context, "the request went on");
    RequestLifecycle.complete(context, 200, null);
  }
}
