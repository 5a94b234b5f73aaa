package dev.sqlorigin.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.cancel.Cancels;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.StatementCancel;
import dev.sqlorigin.lifecycle.FakeCanceller.Behaviour;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestLifecycleTest {

  private static final long REPORT_WAIT = TimeUnit.SECONDS.toNanos(10);
  private static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  private FakeCanceller canceller;
  private final List<Binding> bindings = new ArrayList<>();
  private final List<FakeCanceller.Statement> statements = new ArrayList<>();

  /** Observers stay for the JVM: one records what happens to this test's requests, one throws. */
  @BeforeAll
  static void observe() {
    RequestLifecycle.observe(
        new RequestObserver() {
          @Override
          public void requestStarted(RequestContext context, RequestStart start) {
            EVENTS.add(context.requestId() + " started " + start.kind());
          }

          @Override
          public void statementEnded(
              RequestContext context, Object statement, Throwable thrown, CancelOutcome outcome) {
            EVENTS.add(context.requestId() + " statement ended " + outcome);
          }

          @Override
          public void requestAbandoned(RequestContext context, Abandonment abandonment) {
            EVENTS.add(context.requestId() + " abandoned " + abandonment.cancelled());
          }

          @Override
          public void requestEnded(RequestContext context, int status, Throwable thrown) {
            EVENTS.add(context.requestId() + " ended " + status);
          }
        });
    RequestLifecycle.observe(
        new RequestObserver() {
          @Override
          public void requestStarted(RequestContext context, RequestStart start) {
            throw new IllegalStateException("a broken observer");
          }
        });
  }

  @BeforeEach
  void install() {
    canceller = new FakeCanceller();
    Cancels.install(canceller);
    configure(Map.of());
  }

  @AfterEach
  void uninstall() {
    statements.forEach(statement -> statement.hang.countDown());
    for (int i = bindings.size() - 1; i >= 0; i--) {
      CurrentRequest.exit(bindings.get(i));
    }
    Cancels.install(null);
    Config.install(Config.defaults());
  }

  private static void configure(Map<String, String> settings) {
    Config config = Config.load(settings, Map.of());
    assertEquals(List.of(), config.problems());
    Config.install(config);
  }

  private static RequestContext start(String id) {
    return RequestLifecycle.start(RequestStart.http("GET", "GET /x").requestId(id));
  }

  private Binding bind(RequestContext context) {
    Binding binding = RequestLifecycle.bind(context);
    bindings.add(binding);
    return binding;
  }

  private FakeCanceller.Statement statement(String database, Behaviour behaviour) {
    FakeCanceller.Statement statement = new FakeCanceller.Statement(database, behaviour);
    statements.add(statement);
    return statement;
  }

  private static Abandonment reported(RequestContext context) throws InterruptedException {
    Abandonment abandonment = context.abandonment();
    assertTrue(abandonment.awaitReport(REPORT_WAIT), "the abandonment was never reported");
    return abandonment;
  }

  @Test
  void nestedCallsRegisterTheOutermostStatementOnce() {
    RequestContext context = start("nested-1");
    Binding binding = bind(context);
    Object proxy = new Object();
    Object driver = new Object();
    assertNull(RequestLifecycle.statementStarted(binding, proxy, null));
    assertNull(RequestLifecycle.statementStarted(binding, driver, null));
    assertEquals(Set.of(proxy), context.statementsInFlight().keySet());
    RequestLifecycle.statementEnded(binding, driver, null);
    assertEquals(Set.of(proxy), context.statementsInFlight().keySet());
    RequestLifecycle.statementEnded(binding, proxy, null);
    assertEquals(Set.of(), context.statementsInFlight().keySet());
  }

  @Test
  void eachThreadWorkingForTheRequestRegistersItsOwnOutermostStatement() throws Exception {
    RequestContext context = start("threads-1");
    Binding here = bind(context);
    Object mine = statement("db", Behaviour.RETURNS);
    Object theirs = statement("db", Behaviour.RETURNS);
    Object theirDriver = new Object();
    assertNull(RequestLifecycle.statementStarted(here, mine, null));
    CompletableFuture.runAsync(
            () -> {
              Binding there = RequestLifecycle.bind(context);
              assertNull(RequestLifecycle.statementStarted(there, theirs, null));
              assertNull(RequestLifecycle.statementStarted(there, theirDriver, null));
              RequestLifecycle.unbind(there);
            },
            runnable -> new Thread(runnable).start())
        .join();
    assertEquals(Set.of(mine, theirs), context.statementsInFlight().keySet());
    assertTrue(RequestLifecycle.abandon(context, AbandonReason.OPERATOR));
    canceller.awaitCancelled(mine, 1);
    canceller.awaitCancelled(theirs, 1);
  }

  @Test
  void abandonCancelsWhatIsInFlightOnceAndLaterStatementsAreRefused() throws Exception {
    RequestContext context = start("refused-1");
    Binding binding = bind(context);
    Object running = statement("db", Behaviour.RETURNS);
    RequestLifecycle.statementStarted(binding, running, null);
    assertTrue(RequestLifecycle.abandon(context, AbandonReason.CLIENT_DISCONNECTED));
    assertFalse(
        RequestLifecycle.abandon(context, AbandonReason.DEADLINE), "the first reason stands");
    canceller.awaitCancelled(running, 1);
    String refusal = RequestLifecycle.statementStarted(binding, new Object(), null);
    assertTrue(
        refusal.startsWith(
            "sqlorigin: request refused-1 (GET /x) abandoned: client disconnected after "),
        refusal);
    assertEquals(Set.of(running), context.statementsInFlight().keySet(), "refused, not registered");
    assertEquals(refusal, RequestLifecycle.refusal(), "getConnection, prepare and commit fail too");
    binding.enterCleanup();
    assertNull(RequestLifecycle.refusal(), "rollback and close go ahead");
    binding.exitCleanup();
    assertEquals(List.of(running), canceller.cancelled);
  }

  @Test
  void abandonReturnsWhileTheCancelHangsAndReportsOnlyOnceItsOutcomeIsKnown() throws Exception {
    RequestContext context = start("hangs-1");
    Binding binding = bind(context);
    FakeCanceller.Statement hung = statement("hanging-db", Behaviour.HANGS);
    RequestLifecycle.statementStarted(binding, hung, null);
    assertTrue(RequestLifecycle.abandon(context, AbandonReason.DEADLINE));
    canceller.awaitCancelled(hung, 1);
    assertTrue(canceller.running.contains(hung), "the cancel still hangs, off this thread");
    assertFalse(context.abandonment().reported(), "nothing is reported before an outcome is known");
    assertNotNull(RequestLifecycle.refusal(), "later calls fail fast meanwhile");

    // The server stops the statement as cancelled: that is the outcome, whatever the cancel does.
    assertNotNull(RequestLifecycle.statementEnded(binding, hung, new FakeCanceller.Cancelled()));
    Abandonment abandonment = reported(context);
    assertTrue(
        abandonment
            .summary()
            .matches(
                "request hangs-1 \\(GET /x\\) abandoned: deadline passed"
                    + " after \\d+\\.\\d s; cancelled 1 statement"),
        abandonment.summary());
    assertTrue(EVENTS.contains("hangs-1 statement ended CANCELLED"), EVENTS.toString());
    assertTrue(EVENTS.contains("hangs-1 abandoned 1"), EVENTS.toString());
  }

  @Test
  void aCancelThatThrowsIsReportedAsFailedWithWhy() throws Exception {
    long failedBefore = Counters.cancelFailures().get(CancelOutcome.FAILED);
    long cancelledBefore = Counters.statementsCancelled();
    RequestContext context = start("throws-1");
    Binding binding = bind(context);
    Object refused = statement("db", Behaviour.THROWS);
    RequestLifecycle.statementStarted(binding, refused, null);
    RequestLifecycle.abandon(context, AbandonReason.OPERATOR);
    Abandonment abandonment = reported(context);
    assertTrue(
        abandonment
            .summary()
            .endsWith(
                "; cancelled 0 statements; cancel failed: java.lang.IllegalStateException:"
                    + " the cancel connection was refused"),
        abandonment.summary());
    assertEquals(failedBefore + 1, Counters.cancelFailures().get(CancelOutcome.FAILED));
    assertEquals(cancelledBefore, Counters.statementsCancelled());
    assertTrue(context.statementsInFlight().containsKey(refused), "the statement goes on");
    assertNull(RequestLifecycle.statementEnded(binding, refused, null));
    assertEquals(CancelOutcome.FAILED, abandonment.cancelOf(refused).outcome(), "decided once");
  }

  @Test
  void aCancelThatTimesOutAbortsTheConnectionOfTheStatementStillRunning() throws Exception {
    configure(Map.of(Config.CANCEL_TIMEOUT, "1s"));
    long timedOutBefore = Counters.cancelFailures().get(CancelOutcome.TIMED_OUT);
    RequestContext context = start("times-out-1");
    Binding binding = bind(context);
    FakeCanceller.Statement hung = statement("blackholed-db", Behaviour.HANGS);
    RequestLifecycle.statementStarted(binding, hung, null);
    RequestLifecycle.abandon(context, AbandonReason.DEADLINE);
    canceller.awaitCancelled(hung, 1);
    StatementCancel cancel = context.abandonment().cancelOf(hung);
    long requested = cancel.requestedNanos();
    long timeout = TimeUnit.SECONDS.toNanos(1);

    assertEquals(requested + timeout, Cancels.followUp(context, requested + timeout - 1));
    assertNull(cancel.outcome(), "not timed out before its time");
    assertEquals(List.of(), canceller.aborted);

    Cancels.followUp(context, requested + timeout);
    Abandonment abandonment = reported(context);
    assertEquals(List.of(hung), canceller.aborted);
    assertEquals(CancelOutcome.TIMED_OUT, cancel.outcome());
    assertTrue(
        abandonment
            .summary()
            .endsWith(
                "; cancelled 0 statements; cancel failed: timed out, no answer within 1.0 s;"
                    + " its connection was aborted"),
        abandonment.summary());
    assertEquals(timedOutBefore + 1, Counters.cancelFailures().get(CancelOutcome.TIMED_OUT));
    // The request's thread wakes to the closed connection: the application hears why.
    assertEquals(
        abandonment.message(),
        RequestLifecycle.statementEnded(binding, hung, new IOException("connection closed")));
    assertTrue(EVENTS.contains("times-out-1 statement ended TIMED_OUT"), EVENTS.toString());
  }

  @Test
  void aStatementThatEndedIsNeverAbortedHoweverLateTheFollowUp() throws Exception {
    configure(Map.of(Config.CANCEL_TIMEOUT, "1s"));
    RequestContext context = start("ended-1");
    Binding binding = bind(context);
    FakeCanceller.Statement hung = statement("blackholed-db", Behaviour.HANGS);
    RequestLifecycle.statementStarted(binding, hung, null);
    RequestLifecycle.abandon(context, AbandonReason.DEADLINE);
    canceller.awaitCancelled(hung, 1);
    assertNull(RequestLifecycle.statementEnded(binding, hung, null));
    assertEquals(CancelOutcome.ENDED, reported(context).cancelOf(hung).outcome());
    long requested = context.abandonment().cancelOf(hung).requestedNanos();
    assertEquals(Long.MAX_VALUE, Cancels.followUp(context, requested + 60_000_000_000L));
    assertEquals(List.of(), canceller.aborted);
  }

  @Test
  void withoutAbortATimedOutCancelIsReportedAndTheStatementLeftRunning() throws Exception {
    configure(Map.of(Config.CANCEL_TIMEOUT, "1s", Config.CANCEL_ABORT_ON_TIMEOUT, "false"));
    RequestContext context = start("no-abort-1");
    Binding binding = bind(context);
    FakeCanceller.Statement hung = statement("blackholed-db", Behaviour.HANGS);
    RequestLifecycle.statementStarted(binding, hung, null);
    RequestLifecycle.abandon(context, AbandonReason.DEADLINE);
    canceller.awaitCancelled(hung, 1);
    long requested = context.abandonment().cancelOf(hung).requestedNanos();
    Cancels.followUp(context, requested + TimeUnit.SECONDS.toNanos(1));
    assertTrue(
        reported(context).summary().endsWith("cancel failed: timed out, no answer within 1.0 s"),
        context.abandonment().summary());
    assertEquals(List.of(), canceller.aborted);
    assertTrue(context.statementsInFlight().containsKey(hung));
  }

  @Test
  void aCancelThatReturnedIsSentAgainWhileItsStatementRuns() throws Exception {
    RequestContext context = start("again-1");
    Binding binding = bind(context);
    Object early = statement("db", Behaviour.RETURNS);
    RequestLifecycle.statementStarted(binding, early, null);
    RequestLifecycle.abandon(context, AbandonReason.DEADLINE);
    canceller.awaitCancelled(early, 1);
    StatementCancel cancel = context.abandonment().cancelOf(early);
    // A driver ignores a cancel that arrives before it has sent the query: the follow-up resends.
    awaitIdle(cancel);
    Cancels.followUp(context, cancel.requestedNanos() + 1);
    canceller.awaitCancelled(early, 2);
  }

  @Test
  void cancelsToOneDatabaseWaitForItsCapWhileOtherDatabasesGoAhead() throws Exception {
    configure(Map.of(Config.CANCEL_MAX_PER_DATABASE, "1"));
    FakeCanceller.Statement first = statement("capped-db", Behaviour.HANGS);
    FakeCanceller.Statement second = statement("capped-db", Behaviour.HANGS);
    FakeCanceller.Statement elsewhere = statement("other-db", Behaviour.RETURNS);
    for (Object statement : List.of(first, second, elsewhere)) {
      RequestContext context = start("capped-" + statements.indexOf(statement));
      RequestLifecycle.statementStarted(bind(context), statement, null);
      RequestLifecycle.abandon(context, AbandonReason.SHUTDOWN);
    }
    canceller.awaitCancelled(elsewhere, 1);
    long deadline = System.nanoTime() + REPORT_WAIT;
    while (canceller.running.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1); // poll interval of the awaited condition
    }
    FakeCanceller.Statement admitted = (FakeCanceller.Statement) canceller.running.get(0);
    FakeCanceller.Statement waiting = admitted == first ? second : first;
    assertFalse(canceller.cancelled.contains(waiting), "a second cancel to the capped database");
    admitted.hang.countDown();
    canceller.awaitCancelled(waiting, 1);
  }

  /** A request whose deadline passed a moment ago. */
  private static RequestContext late() {
    long now = System.nanoTime();
    return new RequestContext(
        Config.current(),
        "GET /x",
        "late-1",
        now - 10,
        now - 1,
        AbandonReason.DEADLINE,
        null,
        null);
  }

  @Test
  void aDeadlinePassedRefusesTheNextStatementWithoutAWatchdog() {
    RequestContext context = late();
    String refusal = RequestLifecycle.statementStarted(bind(context), new Object(), null);
    assertTrue(refusal.contains("abandoned: deadline passed"), refusal);
    assertEquals(AbandonReason.DEADLINE, context.abandonment().reason());
  }

  @Test
  void workThatOutlivesAnAnsweredRequestIsNotHeldToItsDeadline() {
    RequestContext context = late();
    RequestLifecycle.complete(context, 200, null);
    assertNull(RequestLifecycle.statementStarted(bind(context), new Object(), null));
  }

  @Test
  void theDeadlineIsTheEarlierOfTheTimeoutLessTheQueueAndTheSourcesOwn() {
    configure(Map.of(Config.REQUEST_TIMEOUT, "10s"));
    long queuedSince = (System.currentTimeMillis() - 4_000) * 1000;
    RequestContext queued =
        RequestLifecycle.start(RequestStart.http("GET", "GET /x").queuedSince("t=" + queuedSince));
    long budget = queued.deadlineNanos() - queued.startNanos();
    assertTrue(
        budget > 5_500_000_000L && budget < 6_500_000_000L, "10 s less 4 s queued: " + budget);
    assertEquals(AbandonReason.DEADLINE, queued.deadlineReason());

    RequestContext ownFirst =
        RequestLifecycle.start(
            RequestStart.http("GET", "GET /x")
                .deadlineIn(TimeUnit.SECONDS.toNanos(3), AbandonReason.ASYNC_TIMEOUT));
    assertEquals(TimeUnit.SECONDS.toNanos(3), ownFirst.deadlineNanos() - ownFirst.startNanos());
    assertEquals(AbandonReason.ASYNC_TIMEOUT, ownFirst.deadlineReason());

    RequestContext timeoutFirst =
        RequestLifecycle.start(
            RequestStart.http("GET", "GET /x")
                .deadlineIn(TimeUnit.SECONDS.toNanos(30), AbandonReason.ASYNC_TIMEOUT));
    assertEquals(AbandonReason.DEADLINE, timeoutFirst.deadlineReason());

    RequestContext job = RequestLifecycle.start(RequestStart.job("job:import"));
    assertEquals(0, job.deadlineNanos(), "jobs have no deadline");
    assertEquals("job:import", job.route());
    for (RequestContext context : List.of(queued, ownFirst, timeoutFirst, job)) {
      RequestLifecycle.complete(context, 0, null);
    }
  }

  @Test
  void aSourceCancelsItsRequestThroughItsHandleUntilTheRequestEnds() throws Exception {
    Object call = new Object();
    RequestContext context =
        RequestLifecycle.start(
            RequestStart.http("POST", "POST /rpc").requestId("handle-1").cancellationHandle(call));
    assertTrue(RequestRegistry.snapshot().contains(context));
    RequestLifecycle.cancelled(call, AbandonReason.ASYNC_ERROR);
    assertEquals(AbandonReason.ASYNC_ERROR, context.abandonment().reason());
    reported(context);

    RequestContext next =
        RequestLifecycle.start(
            RequestStart.http("POST", "POST /rpc").requestId("handle-2").cancellationHandle(call));
    RequestLifecycle.complete(next, 0, null);
    assertFalse(
        RequestRegistry.snapshot().contains(next), "an ended request is no longer registered");
    RequestLifecycle.cancelled(call, AbandonReason.ASYNC_ERROR);
    assertNull(next.abandonment(), "the handle no longer names an ended request");
  }

  @Test
  void observersHearTheRequestFromStartToEndAndABrokenOneChangesNothing() {
    RequestContext context = start("observed-1");
    assertNotNull(context, "a throwing observer must not cost the request");
    Binding binding = bind(context);
    Object statement = new Object();
    RequestLifecycle.statementStarted(binding, statement, null);
    RequestLifecycle.statementEnded(binding, statement, null);
    bindings.remove(binding);
    RequestLifecycle.end(binding, 204, null);
    RequestLifecycle.complete(context, 500, null);
    assertSame(null, CurrentRequest.get());
    assertEquals(
        List.of(
            "observed-1 started HTTP", "observed-1 statement ended null", "observed-1 ended 204"),
        EVENTS.stream().filter(event -> event.startsWith("observed-1 ")).toList());
  }

  private static void awaitIdle(StatementCancel cancel) throws InterruptedException {
    long deadline = System.nanoTime() + REPORT_WAIT;
    while (cancel.busy()) {
      assertTrue(System.nanoTime() < deadline, "the cancel never returned");
      Thread.sleep(1); // poll interval of the awaited condition
    }
  }
}
