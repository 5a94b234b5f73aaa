package dev.sqlorigin.agent.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.cancel.Cancels;
import dev.sqlorigin.cancel.StatementCanceller;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.StatementCancel;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watchdog's round, on a clock the test moves: what it abandons, when it wants to look again,
 * and that a cancel that hangs delays nobody else's detection.
 */
@Timeout(60)
class WatchdogTest {

  private static final long POLL = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long CHECK_AFTER = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long CANCEL_TIMEOUT = TimeUnit.SECONDS.toNanos(5);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  /** Every cancel hangs until the test ends, as through a blackholed network path. */
  private final CountDownLatch unblock = new CountDownLatch(1);

  private final List<Object> cancelled = new CopyOnWriteArrayList<>();
  private final List<Object> aborted = new CopyOnWriteArrayList<>();
  private final Set<Integer> closedSockets = new HashSet<>();
  private final List<Set<Integer>> socketChecks = new ArrayList<>();
  private final Map<String, Object> statements = new HashMap<>();
  private final List<Binding> bindings = new ArrayList<>();
  private Watchdog watchdog;

  @BeforeEach
  void install() {
    Config config =
        Config.load(
            Map.of(
                Config.CANCEL_POLL_INTERVAL, "200ms",
                Config.CANCEL_DISCONNECT_AFTER, "500ms",
                Config.CANCEL_TIMEOUT, "5s"),
            Map.of());
    assertEquals(List.of(), config.problems());
    Config.install(config);
    Cancels.install(
        new StatementCanceller() {
          @Override
          public String database(Object statement) {
            return "db";
          }

          @Override
          public void cancel(Object statement) throws InterruptedException {
            cancelled.add(statement);
            unblock.await(30, TimeUnit.SECONDS);
          }

          @Override
          public void abort(Object statement) {
            aborted.add(statement);
          }

          @Override
          public boolean wasCancelled(Throwable thrown) {
            return false;
          }
        });
    watchdog =
        new Watchdog(
            config,
            wanted -> {
              socketChecks.add(Set.copyOf(wanted));
              Set<Integer> closed = new HashSet<>(wanted);
              closed.retainAll(closedSockets);
              return closed;
            },
            () -> {
              throw new AssertionError("a round takes its time from the test");
            },
            null);
  }

  @AfterEach
  void clean() {
    unblock.countDown();
    for (int i = 0; i < bindings.size(); i++) {
      Binding binding = bindings.get(i);
      for (Object statement : List.copyOf(binding.context().statementsInFlight().keySet())) {
        RequestLifecycle.statementEnded(binding, statement, null);
      }
      RequestLifecycle.end(binding, 0, null);
    }
    Cancels.install(null);
    Config.install(Config.defaults());
  }

  /** A request with a statement in flight since now; {@code deadlineIn} 0 for none. */
  private RequestContext running(String id, long deadlineIn, int remotePort) {
    RequestStart start = RequestStart.http("GET", "GET /x").requestId(id);
    if (deadlineIn > 0) {
      start.deadlineIn(deadlineIn, AbandonReason.DEADLINE);
    }
    if (remotePort > 0) {
      start.clientSocket(8080, remotePort);
    }
    RequestContext context = RequestLifecycle.start(start);
    Binding binding = RequestLifecycle.bind(context);
    bindings.add(binding);
    Object statement = new Object();
    statements.put(id, statement);
    assertNull(RequestLifecycle.statementStarted(binding, statement, null));
    RequestLifecycle.unbind(binding);
    return context;
  }

  @Test
  void aRequestIsAbandonedAtItsDeadlineAndTheNextRoundComesNoLaterThanIt() throws Exception {
    RequestContext request = running("due-1", 2 * SECOND, 0);
    long deadline = request.deadlineNanos();
    assertEquals(deadline, watchdog.round(deadline - POLL), "wakes for the deadline");
    assertNull(request.abandonment(), "not before its deadline");
    assertEquals(deadline - SECOND + POLL, watchdog.round(deadline - SECOND), "a poll apart");
    watchdog.round(deadline);
    assertEquals(AbandonReason.DEADLINE, request.abandonment().reason());
  }

  @Test
  void anotherRequestsDeadlineIsActedOnWhileTheFirstCancelHangs() throws Exception {
    // Both deadlines within the cancel timeout (1 s) of the first cancel, which is asked for at the
    // real time of the first round: the second round must not time that cancel out meanwhile.
    RequestContext first = running("hangs-1", SECOND / 2, 0);
    RequestContext second = running("on-time-1", SECOND * 9 / 10, 0);
    watchdog.round(first.deadlineNanos());
    assertEquals(AbandonReason.DEADLINE, first.abandonment().reason());
    awaitCancelled(statements.get("hangs-1"));
    // The first cancel hangs on its thread; the round at the second's deadline returns and acts.
    watchdog.round(second.deadlineNanos());
    assertEquals(AbandonReason.DEADLINE, second.abandonment().reason());
    assertNull(first.abandonment().cancelOf(statements.get("hangs-1")).outcome(), "still hanging");
  }

  @Test
  void aCancelThatHangsPastTheTimeoutHasItsConnectionAbortedByTheRound() throws Exception {
    RequestContext request = running("aborted-1", SECOND, 0);
    watchdog.round(request.deadlineNanos());
    awaitCancelled(statements.get("aborted-1"));
    StatementCancel cancel = request.abandonment().cancelOf(statements.get("aborted-1"));
    long timeout = cancel.requestedNanos() + CANCEL_TIMEOUT;
    assertEquals(timeout, watchdog.round(timeout - 1), "the round wakes for the timeout");
    assertEquals(List.of(), aborted);
    watchdog.round(timeout);
    assertTrue(request.abandonment().awaitReport(TimeUnit.SECONDS.toNanos(10)));
    assertEquals(CancelOutcome.TIMED_OUT, cancel.outcome());
    assertEquals(List.of(statements.get("aborted-1")), aborted);
  }

  @Test
  void aClosedClientSocketIsLookedForOnlyOnceTheStatementIsOldEnough() throws Exception {
    RequestContext gone = running("gone-1", 0, 50001);
    RequestContext stays = running("stays-1", 0, 50002);
    closedSockets.add(TcpTable.key(8080, 50001));
    long started = gone.oldestStatementStart(Long.MAX_VALUE);
    watchdog.round(started + CHECK_AFTER - 1);
    assertEquals(List.of(), socketChecks, "young statements cost no read of the TCP table");
    long checked = Math.max(started, stays.oldestStatementStart(Long.MAX_VALUE)) + CHECK_AFTER;
    watchdog.round(checked);
    assertEquals(
        List.of(Set.of(TcpTable.key(8080, 50001), TcpTable.key(8080, 50002))),
        socketChecks,
        "one read for every suspect");
    assertEquals(AbandonReason.CLIENT_DISCONNECTED, gone.abandonment().reason());
    assertNull(stays.abandonment());
  }

  @Test
  void aReadOfTheTcpTablesWaitsAHundredTimesWhatTheLastOneCost() throws Exception {
    long[] cpu = {0};
    Watchdog costly =
        new Watchdog(
            Config.current(),
            wanted -> {
              socketChecks.add(Set.copyOf(wanted));
              cpu[0] += TimeUnit.MILLISECONDS.toNanos(30); // a host with 10,000 sockets
              return Set.of();
            },
            () -> {
              throw new AssertionError("a round takes its time from the test");
            },
            () -> cpu[0],
            null);
    RequestContext suspect = running("suspect-1", 0, 50003);
    long first = suspect.oldestStatementStart(Long.MAX_VALUE) + CHECK_AFTER;
    List<Long> reads = new ArrayList<>();
    for (long now = first; now - first < 7 * SECOND; now += POLL) {
      int before = socketChecks.size();
      costly.round(now);
      if (socketChecks.size() > before) {
        reads.add((now - first) / TimeUnit.MILLISECONDS.toNanos(1));
      }
    }
    // 30 ms of CPU each: 3 s apart, at the first round due.
    assertEquals(List.of(0L, 3000L, 6000L), reads);
  }

  @Test
  void tablesThatCannotBeReadTurnTheCheckOffAndTheRoundsGoOn() throws Exception {
    List<Set<Integer>> attempts = new ArrayList<>();
    Watchdog unreadable =
        new Watchdog(
            Config.current(),
            wanted -> {
              attempts.add(wanted);
              throw new java.nio.file.NoSuchFileException("/proc/net/tcp6");
            },
            () -> {
              throw new AssertionError("a round takes its time from the test");
            },
            null);
    RequestContext suspect = running("suspect-2", 0, 50004);
    RequestContext late = running("late-1", 2 * SECOND, 0);
    long checked = suspect.oldestStatementStart(Long.MAX_VALUE) + CHECK_AFTER;
    unreadable.round(checked);
    unreadable.round(checked + POLL);
    assertEquals(1, attempts.size(), "tried once, then off");
    unreadable.round(late.deadlineNanos());
    assertEquals(AbandonReason.DEADLINE, late.abandonment().reason(), "deadlines still work");
    assertNull(suspect.abandonment());
  }

  @Test
  void requestsWithoutStatementsInFlightAreLeftToTheirNextJdbcCall() throws Exception {
    RequestContext idle =
        RequestLifecycle.start(
            RequestStart.http("GET", "GET /x").deadlineIn(1, AbandonReason.DEADLINE));
    watchdog.round(idle.deadlineNanos() + SECOND);
    assertNull(idle.abandonment());
    RequestLifecycle.complete(idle, 0, null);
  }

  private void awaitCancelled(Object statement) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cancelled.contains(statement)) {
      assertTrue(System.nanoTime() < deadline, statement + " was never cancelled");
      Thread.sleep(1); // poll interval of the awaited condition
    }
  }
}
