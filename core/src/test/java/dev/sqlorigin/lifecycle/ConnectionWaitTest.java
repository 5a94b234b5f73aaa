package dev.sqlorigin.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.ConnectionWait;
import dev.sqlorigin.context.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request's thread waiting in {@code DataSource.getConnection} (here: a pool's queue that never
 * hands out a connection) stops waiting when the request is abandoned, and is interrupted there
 * only: never after the wait, never when the interrupt was the application's.
 */
@Timeout(30)
class ConnectionWaitTest {

  @Test
  void abandoningTheRequestInterruptsItsWaitAndClearsThatInterrupt() throws Exception {
    RequestContext context = RequestLifecycle.start(RequestStart.http("GET", "GET /wait"));
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<String> answer =
        CompletableFuture.supplyAsync(
            () -> {
              Binding binding = RequestLifecycle.bind(context);
              ConnectionWait wait = RequestLifecycle.connectionWaitStarted(binding);
              String refusal;
              try {
                waiting.countDown();
                new LinkedBlockingQueue<Object>().take(); // a pool with nothing to give
                refusal = "a connection came";
              } catch (InterruptedException e) {
                // A pool answers so; HikariCP sets the interrupt again before it throws.
                Thread.currentThread().interrupt();
                refusal = null;
              }
              String failure = RequestLifecycle.connectionWaitEnded(binding, wait);
              boolean stillInterrupted = Thread.currentThread().isInterrupted();
              RequestLifecycle.end(binding, 500, null);
              return refusal == null
                  ? failure + " | interrupted after: " + stillInterrupted
                  : refusal;
            });
    waiting.await();
    awaitWaits(context, 1);
    assertEquals(1, Counters.connectionWaits());
    RequestLifecycle.abandon(context, AbandonReason.DEADLINE);
    String result = answer.get(10, TimeUnit.SECONDS);
    assertTrue(
        result.startsWith("sqlorigin: request ") && result.contains("abandoned: deadline passed"),
        result);
    assertTrue(result.endsWith(" | interrupted after: false"), result);
    assertTrue(context.abandonment().awaitReport(TimeUnit.SECONDS.toNanos(10)));
    assertTrue(
        context
            .abandonment()
            .summary()
            .endsWith("; cancelled 0 statements; stopped its wait for a connection"),
        context.abandonment().summary());
    assertEquals(0, Counters.connectionWaits());
    assertTrue(context.statementsInFlight().isEmpty());
    assertFalse(RequestRegistry.snapshot().contains(context));
  }

  @Test
  void aWaitThatIsOverIsNeverInterrupted() throws Exception {
    RequestContext context = RequestLifecycle.start(RequestStart.http("GET", "GET /waited"));
    Binding binding = RequestLifecycle.bind(context);
    try {
      ConnectionWait wait = RequestLifecycle.connectionWaitStarted(binding);
      assertNotNull(wait);
      assertNull(RequestLifecycle.connectionWaitEnded(binding, wait));
      RequestLifecycle.abandon(context, AbandonReason.OPERATOR);
      assertFalse(Thread.currentThread().isInterrupted(), "interrupted after its wait");
    } finally {
      RequestLifecycle.end(binding, 200, null);
    }
  }

  @Test
  void theApplicationsOwnInterruptIsKept() throws Exception {
    RequestContext context = RequestLifecycle.start(RequestStart.http("GET", "GET /own"));
    Binding binding = RequestLifecycle.bind(context);
    try {
      Thread.currentThread().interrupt();
      ConnectionWait wait = RequestLifecycle.connectionWaitStarted(binding);
      RequestLifecycle.abandon(context, AbandonReason.OPERATOR);
      assertNotNull(RequestLifecycle.connectionWaitEnded(binding, wait));
      assertTrue(Thread.interrupted(), "the application's interrupt was cleared");
    } finally {
      RequestLifecycle.end(binding, 200, null);
    }
  }

  @Test
  void aPoolInFrontOfAnotherDataSourceIsOneWait() throws Exception {
    RequestContext context = RequestLifecycle.start(RequestStart.http("GET", "GET /nested"));
    Binding binding = RequestLifecycle.bind(context);
    try {
      ConnectionWait outer = RequestLifecycle.connectionWaitStarted(binding);
      ConnectionWait inner = RequestLifecycle.connectionWaitStarted(binding);
      assertNotNull(outer);
      assertNull(inner, "a nested getConnection registers nothing");
      assertEquals(1, context.statementsInFlight().size());
      assertNull(RequestLifecycle.connectionWaitEnded(binding, inner));
      assertNull(RequestLifecycle.connectionWaitEnded(binding, outer));
      assertTrue(context.statementsInFlight().isEmpty());
    } finally {
      RequestLifecycle.end(binding, 200, null);
    }
  }

  private static void awaitWaits(RequestContext context, int count) throws InterruptedException {
    while (context.statementsInFlight().size() != count) {
      Thread.sleep(1); // poll interval of the awaited condition
    }
  }
}
