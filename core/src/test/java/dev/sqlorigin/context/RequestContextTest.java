package dev.sqlorigin.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestContextTest {

  private final List<Object> cancelled = new ArrayList<>();

  @BeforeEach
  void recordCancels() {
    ActiveRequests.installCanceller(cancelled::add);
  }

  @AfterEach
  void forgetCanceller() {
    ActiveRequests.installCanceller(null);
  }

  private static RequestContext context(long deadlineNanos) {
    return new RequestContext(Config.load(Map.of(), Map.of()), "GET /x", "id-1", System.nanoTime(), deadlineNanos, null);
  }

  @Test
  void nestedCallsRegisterTheOutermostStatementOnce() {
    RequestContext context = context(0);
    Object proxy = new Object();
    Object driver = new Object();
    assertNull(context.statementStarted(proxy));
    assertNull(context.statementStarted(driver));
    assertEquals(Map.of(proxy, context.statementsInFlight().get(proxy)), context.statementsInFlight());
    context.statementEnded(driver);
    assertEquals(1, context.statementsInFlight().size());
    context.statementEnded(proxy);
    assertTrue(context.statementsInFlight().isEmpty());
  }

  @Test
  void abandonCancelsWhatIsInFlightOnceAndLaterStatementsAreRefused() {
    RequestContext context = context(0);
    Object running = new Object();
    context.statementStarted(running);
    assertTrue(context.abandon(AbandonReason.CLIENT_DISCONNECTED));
    assertFalse(context.abandon(AbandonReason.DEADLINE), "the first reason stands");
    assertEquals(List.of(running), cancelled);
    String refusal = context.statementStarted(new Object());
    assertTrue(refusal.startsWith("sqlorigin: request id-1 (GET /x) abandoned: client disconnected after "), refusal);
    assertEquals(1, context.statementsInFlight().size(), "a refused statement is not registered");
  }

  @Test
  void aPassedDeadlineRefusesTheNextStatementWithoutAWatchdog() {
    RequestContext context = context(System.nanoTime() - 1);
    String refusal = context.statementStarted(new Object());
    assertTrue(refusal.contains("abandoned: deadline passed"), refusal);
    assertEquals(AbandonReason.DEADLINE, context.abandonment().reason());
  }

  @Test
  void explainsOnlyCancellationsItCausedAndOnlyOnce() {
    RequestContext context = context(0);
    assertNull(context.explainCancellation("ERROR: canceling statement due to user request"));
    context.abandon(AbandonReason.OPERATOR);
    String why = context.explainCancellation("ERROR: canceling statement due to user request");
    assertTrue(why.contains("cancelled by an operator"), why);
    assertNull(context.explainCancellation(why));
  }
}
