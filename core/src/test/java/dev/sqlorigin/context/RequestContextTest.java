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
import java.util.concurrent.CompletableFuture;
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
    CurrentRequest.unbind();
  }

  static RequestContext context(long deadlineNanos) {
    return new RequestContext(
        Config.load(Map.of(), Map.of()), "GET /x", "id-1", System.nanoTime(), deadlineNanos, null);
  }

  @Test
  void nestedCallsRegisterTheOutermostStatementOnce() {
    RequestContext context = context(0);
    Binding binding = CurrentRequest.enter(context);
    Object proxy = new Object();
    Object driver = new Object();
    assertNull(binding.statementStarted(proxy, null));
    assertNull(binding.statementStarted(driver, null));
    assertEquals(
        Map.of(proxy, context.statementsInFlight().get(proxy)), context.statementsInFlight());
    binding.statementEnded(driver, null);
    assertEquals(1, context.statementsInFlight().size());
    binding.statementEnded(proxy, null);
    assertTrue(context.statementsInFlight().isEmpty());
  }

  @Test
  void eachThreadWorkingForTheRequestRegistersItsOwnOutermostStatement() {
    RequestContext context = context(0);
    Binding here = CurrentRequest.enter(context);
    Object mine = new Object();
    Object theirs = new Object();
    Object theirDriver = new Object();
    assertNull(here.statementStarted(mine, null));
    CompletableFuture.runAsync(
            () -> {
              Binding there = CurrentRequest.enter(context);
              assertNull(there.statementStarted(theirs, null));
              assertNull(there.statementStarted(theirDriver, null));
              CurrentRequest.exit(there);
            },
            runnable -> new Thread(runnable).start())
        .join();
    assertEquals(2, context.statementsInFlight().size(), context.statementsInFlight().toString());
    assertTrue(
        context.statementsInFlight().containsKey(theirs)
            && !context.statementsInFlight().containsKey(theirDriver));
    assertTrue(context.abandon(AbandonReason.OPERATOR));
    assertEquals(2, cancelled.size(), "the request's statements on both threads are cancelled");
  }

  @Test
  void abandonCancelsWhatIsInFlightOnceAndLaterStatementsAreRefused() {
    RequestContext context = context(0);
    Binding binding = CurrentRequest.enter(context);
    Object running = new Object();
    binding.statementStarted(running, null);
    assertTrue(context.abandon(AbandonReason.CLIENT_DISCONNECTED));
    assertFalse(context.abandon(AbandonReason.DEADLINE), "the first reason stands");
    assertEquals(List.of(running), cancelled);
    String refusal = binding.statementStarted(new Object(), null);
    assertTrue(
        refusal.startsWith(
            "sqlorigin: request id-1 (GET /x) abandoned: client disconnected after "),
        refusal);
    assertEquals(1, context.statementsInFlight().size(), "a refused statement is not registered");
  }

  @Test
  void aPassedDeadlineRefusesTheNextStatementWithoutAWatchdog() {
    RequestContext context = context(System.nanoTime() - 1);
    String refusal = CurrentRequest.enter(context).statementStarted(new Object(), null);
    assertTrue(refusal.contains("abandoned: deadline passed"), refusal);
    assertEquals(AbandonReason.DEADLINE, context.abandonment().reason());
  }

  @Test
  void workThatOutlivesAnAnsweredRequestIsNotHeldToItsDeadline() {
    RequestContext context = context(System.nanoTime() - 1);
    context.end();
    assertNull(CurrentRequest.enter(context).statementStarted(new Object(), null));
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
