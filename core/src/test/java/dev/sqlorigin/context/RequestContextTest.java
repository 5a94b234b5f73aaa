package dev.sqlorigin.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestContextTest {

  @Test
  void anActionWhileInFlightHoldsOffTheStatementsUnregistration() throws Exception {
    RequestContext context = CarriedTasksTest.request();
    Object statement = new Object();
    context.register(statement, System.nanoTime());
    CountDownLatch acting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> action =
        CompletableFuture.supplyAsync(
            () ->
                context.whileInFlight(
                    statement,
                    () -> {
                      acting.countDown();
                      await(release);
                    }));
    assertTrue(acting.await(10, TimeUnit.SECONDS));
    Thread[] unregistering = new Thread[1];
    CompletableFuture<Boolean> unregistered = new CompletableFuture<>();
    unregistering[0] =
        new Thread(() -> unregistered.complete(context.unregister(statement)), "statement-end");
    unregistering[0].start();
    // The statement's own thread blocks until the action returns: it cannot hand the statement's
    // connection back to a pool in between.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (unregistering[0].getState() != Thread.State.BLOCKED) {
      assertTrue(System.nanoTime() < deadline, "state " + unregistering[0].getState());
      assertFalse(unregistered.isDone(), "unregistered while the action ran");
      Thread.sleep(1); // poll interval of the awaited condition
    }
    release.countDown();
    assertTrue(action.get(10, TimeUnit.SECONDS));
    assertTrue(unregistered.get(10, TimeUnit.SECONDS));
    assertFalse(
        context.whileInFlight(
            statement,
            () -> {
              throw new AssertionError("ran");
            }),
        "nothing runs for a statement that ended");
  }

  @Test
  void theFirstAbandonmentStandsAndSnapshotsTheStatementsInFlight() {
    RequestContext context = CarriedTasksTest.request();
    Object running = new Object();
    context.register(running, System.nanoTime());
    Abandonment first = context.abandon(AbandonReason.OPERATOR, System.nanoTime(), done -> {});
    assertNull(context.abandon(AbandonReason.DEADLINE, System.nanoTime(), done -> {}));
    assertEquals(AbandonReason.OPERATOR, context.abandonment().reason());
    assertEquals(1, first.cancels().size());
    assertEquals(running, first.cancels().iterator().next().statement());
    assertNull(first.cancelOf(new Object()));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
