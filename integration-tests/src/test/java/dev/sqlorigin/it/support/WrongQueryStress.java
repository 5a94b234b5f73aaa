package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The never-the-wrong-query stress, against an application whose requests share one database
 * connection (a pool of one, or a pooler's single server connection): one stream of requests is
 * abandoned at random moments around the end of its short statements, the other runs statements of
 * 3 ms in between. A cancel that outlived its statement would land on the other request's query;
 * the innocent statements are a few milliseconds long so that a cancel acting late has one to hit.
 *
 * <p>The doomed statements last twice what a cancel takes to stop a statement on this machine
 * ({@link #statementSeconds}, measured once; 2 ms at least): where PostgreSQL starts a process for
 * each cancel request slowly (10 to 15 ms on one virtual machine here, against 2 ms statements),
 * every cancel would arrive after its statement had ended, and the race would never be run both
 * ways.
 *
 * <p>The application records when pgjdbc sent each cancel request ({@code
 * -Dprobe.record-cancels=true}); an innocent statement that started within twice what a cancel
 * takes here (10 ms at least) of one ran while that cancel could still be on its way through the
 * server (or, a hop more, the pooler), where a cancel that acts late would hit it.
 */
public final class WrongQueryStress {

  // How long after its sending a cancel counts as still in flight, at least.
  private static final long MIN_LATE_CANCEL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  // At least one abandoned request in this many must have put an innocent statement in that window.
  private static final int MIN_LATE_CANCELS_PER = 10;

  // Batches of abandoned requests, at most, before a run whose race was not exercised fails.
  private static final int MAX_BATCHES = 3;

  // The shortest doomed statement, and the longest (a machine slower than that is not measured).
  private static final long MIN_STATEMENT_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  private static final long MAX_STATEMENT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  // A doomed request's deadline lands at most this far from its start, or this many of its
  // statements, whichever is later: at random points of several statements and of the gaps between.
  private static final long DEADLINE_SPREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(40);
  private static final int DEADLINE_SPREAD_STATEMENTS = 2;
  // Cancels timed to measure what one takes here: the median counts.
  private static final int CANCELS_TIMED = 5;

  // What a cancel takes to stop a statement here, timed on first use (timedCancelNanos()); 0 until
  // then.
  private static long cancelNanos;

  private WrongQueryStress() {}

  /** The length of the doomed requests' statements, for the probe's {@code loop?seconds=}. */
  public static double statementSeconds() {
    return statementNanos() / 1e9;
  }

  /**
   * When a doomed request's deadline should land, in nanoseconds from its start: at random, from
   * {@code minNanos} (a source may need some time before its handler runs at all) over several of
   * its statements.
   */
  public static long deadlineNanos(long minNanos) {
    long spread = Math.max(DEADLINE_SPREAD_NANOS, DEADLINE_SPREAD_STATEMENTS * statementNanos());
    return ThreadLocalRandom.current().nextLong(minNanos, minNanos + spread);
  }

  /** The doomed statements' length: twice what a cancel takes here, within bounds. */
  private static long statementNanos() {
    return Math.min(MAX_STATEMENT_NANOS, Math.max(MIN_STATEMENT_NANOS, 2 * timedCancelNanos()));
  }

  /** How long after its sending a cancel may still be on its way. */
  private static long lateCancelNanos() {
    return Math.max(MIN_LATE_CANCEL_NANOS, 2 * timedCancelNanos());
  }

  /** What a cancel takes here, timed on first use and said once. */
  private static synchronized long timedCancelNanos() {
    if (cancelNanos == 0) {
      cancelNanos = Math.max(1, cancelNanos());
      System.out.printf(
          "never-the-wrong-query: a cancel takes %.1f ms here (median of %d): doomed statements"
              + " of %.1f ms, cancels in flight for %.1f ms%n",
          cancelNanos / 1e6, CANCELS_TIMED, statementNanos() / 1e6, lateCancelNanos() / 1e6);
    }
    return cancelNanos;
  }

  /**
   * From the driver's cancel of a running statement to the statement's error, on the test database:
   * the median of a few.
   */
  private static long cancelNanos() {
    long[] took = new long[CANCELS_TIMED];
    // A thread of its own: the common pool may be busy with a stress's innocent requests.
    ExecutorService running = Executors.newSingleThreadExecutor();
    try (Connection connection = TestDatabase.get().connect()) {
      for (int i = 0; i < took.length; i++) {
        String marker = "cancel_timing_" + i;
        try (Statement sleep = connection.createStatement()) {
          Future<Long> failedAt =
              running.submit(
                  () -> {
                    try {
                      sleep.execute("SELECT pg_sleep(30) /* " + marker + " */");
                      throw new AssertionError("a cancelled statement ran to its end");
                    } catch (SQLException e) {
                      if (!"57014".equals(e.getSQLState())) {
                        throw e;
                      }
                      return System.nanoTime();
                    }
                  });
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!failedAt.isDone() && PgActivity.running(marker) == 0) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException(
                  "the statement to cancel did not show as running; running: "
                      + PgActivity.queries("pg_sleep"));
            }
            Thread.sleep(10); // poll interval of the awaited condition
          }
          if (failedAt.isDone()) {
            failedAt.get(); // threw: says why
          }
          long cancelledAt = System.nanoTime();
          sleep.cancel();
          took[i] = failedAt.get(30, TimeUnit.SECONDS) - cancelledAt;
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not time a cancel on the test database", e);
    } finally {
      running.shutdownNow();
    }
    Arrays.sort(took);
    return took[took.length / 2];
  }

  /** What a run saw. */
  public record Result(
      int abandoned,
      int cancelledWhileRunning,
      int refusedBeforeRunning,
      int droppedByPooler,
      int innocentRequests,
      int cancelsSent,
      int innocentWhileCancelInFlight,
      int applicationConnections,
      Set<String> serverProcesses) {

    /**
     * Statements cancelled while running, abandonments refused before running, and innocent
     * statements started while cancels were in flight (measured here: a half to two thirds of the
     * abandonments put one there).
     */
    boolean exercised() {
      return cancelledWhileRunning > 0
          && refusedBeforeRunning > 0
          && (innocentWhileCancelInFlight >= abandoned / MIN_LATE_CANCELS_PER
              || !cancelsRecorded());
    }

    /**
     * Whether the application could record its driver's cancel requests. Under Quarkus (JBoss
     * LogManager) the driver's FINEST records reach the probe's handler in some runs and in others
     * none do, cause not found: then the statements cancelled while running (which only a cancel
     * request does) are the evidence, and the in-flight window goes uncounted.
     */
    boolean cancelsRecorded() {
      return cancelsSent > 0 || cancelledWhileRunning == 0;
    }

    /** Two batches' counts together. */
    Result plus(Result other) {
      Set<String> processes = new TreeSet<>(serverProcesses);
      processes.addAll(other.serverProcesses);
      return new Result(
          abandoned + other.abandoned,
          cancelledWhileRunning + other.cancelledWhileRunning,
          refusedBeforeRunning + other.refusedBeforeRunning,
          droppedByPooler + other.droppedByPooler,
          innocentRequests + other.innocentRequests,
          cancelsSent + other.cancelsSent,
          innocentWhileCancelInFlight + other.innocentWhileCancelInFlight,
          Math.max(applicationConnections, other.applicationConnections),
          processes);
    }

    @Override
    public String toString() {
      return String.format(
          "%d abandoned (%d cancelled while running, %d refused before running, %d dropped by"
              + " the pooler), %d cancel"
              + " requests sent; %d innocent statements, %d of them started within %d ms of a"
              + " cancel request; application connections %d, server processes %s",
          abandoned,
          cancelledWhileRunning,
          refusedBeforeRunning,
          droppedByPooler,
          cancelsSent,
          innocentRequests,
          innocentWhileCancelInFlight,
          lateCancelNanos() / 1_000_000,
          applicationConnections,
          serverProcesses);
    }
  }

  /** How the stress reaches the application's probe: over HTTP, or its source's own way. */
  public interface Requests {
    /** An innocent request {@code requestId} to the probe's {@code /cancellable/short}. */
    ProbeAnswer innocent(String requestId) throws Exception;

    /**
     * Request {@code doomed-<i>} to the probe's {@code /cancellable/loop}, given up at a random
     * moment of its loop of short statements: the errors it answered, or null if it never ran.
     */
    List<String> doomed(int i) throws Exception;

    /** The probe's {@code /cancels-sent}: when the driver sent each cancel request. */
    ProbeAnswer cancelsSent() throws Exception;
  }

  /** The probe under {@code /shop/probe} over HTTP; doomed requests run out of a 2 s deadline. */
  public static Requests http(AppProcess app) {
    return new Requests() {
      @Override
      public ProbeAnswer innocent(String requestId) throws Exception {
        return Http.getOk(
            app.port(), "/shop/probe/cancellable/short", "X-Request-Id: " + requestId);
      }

      @Override
      public List<String> doomed(int i) throws Exception {
        // Queued so long that little of the 2 s budget remains: the deadline lands at random
        // points of the loop.
        long queuedMicros = 2_000_000 - deadlineNanos(2_000_000) / 1000;
        long startMicros = System.currentTimeMillis() * 1000 - queuedMicros;
        return Http.getOk(
                app.port(),
                "/shop/probe/cancellable/loop?seconds=" + statementSeconds(),
                "X-Request-Id: doomed-" + i,
                "X-Request-Start: t=" + startMicros)
            .values("error");
      }

      @Override
      public ProbeAnswer cancelsSent() throws Exception {
        return Http.getOk(app.port(), "/shop/probe/cancels-sent");
      }
    };
  }

  /** {@link #run(Requests, int, String)} over HTTP. */
  public static Result run(AppProcess app, int abandonedRequests, String poolerDrop) {
    return run(http(app), abandonedRequests, poolerDrop);
  }

  /**
   * Runs the stress against an application (started with a request timeout of 2 s and {@code
   * -Dprobe.record-cancels=true}) and asserts that no innocent statement failed and that the race
   * was exercised: statements cancelled while running, abandonments refused before running, and
   * innocent statements started while cancels were in flight. Every error of an abandoned request
   * must name it, except, when {@code poolerDrop} is given, errors that start with it: a pooler's
   * answer when the cancel landed on a statement of its own and it closed that client's connection.
   *
   * <p>Where a cancel lands is still up to the machine's timing, the statements' length fitted to
   * it or not: on a loaded machine few of {@code abandonedRequests} may land while a statement runs
   * (with 2 ms statements, 2 to 6 of 200 was usual for gRPC on one machine, and once none). The
   * stress then goes on, a batch of {@code abandonedRequests} at a time, up to {@link #MAX_BATCHES}
   * batches, until the race was exercised; every batch must leave every innocent statement alone.
   */
  public static Result run(Requests requests, int abandonedRequests, String poolerDrop) {
    // Timed before the stress loads the machine, and said once.
    statementSeconds();
    Result total = null;
    for (int batch = 1; batch <= MAX_BATCHES; batch++) {
      Result result = once(requests, abandonedRequests, poolerDrop);
      if (total != null) {
        total = total.plus(result);
        System.out.println("never-the-wrong-query: in all, " + total);
      } else {
        total = result;
      }
      if (total.exercised()) {
        if (!total.cancelsRecorded()) {
          System.out.println(
              "never-the-wrong-query: the application recorded none of its driver's cancel"
                  + " requests; the window of cancels in flight is not counted");
        }
        return total;
      }
      System.out.println("never-the-wrong-query: the race was not exercised yet; one more batch");
    }
    throw new AssertionError("the race was not exercised: " + total);
  }

  /** One batch: every innocent statement must have run, on one server connection. */
  private static Result once(Requests requests, int abandonedRequests, String poolerDrop) {
    AtomicBoolean done = new AtomicBoolean();
    CompletableFuture<Innocent> innocent =
        CompletableFuture.supplyAsync(
            () -> {
              Innocent seen = new Innocent();
              while (!done.get()) {
                ProbeAnswer response = call(() -> requests.innocent("innocent-" + seen.requests++));
                seen.failures.addAll(response.values("error"));
                if (!response.ok()) {
                  seen.failures.add("not answered: " + response.body());
                }
                for (String ran : response.values("ran")) {
                  seen.startsMicros.add(Long.parseLong(ran.substring(0, ran.indexOf(','))));
                }
                seen.backends.addAll(response.values("backend"));
                for (String pool : response.values("pool")) {
                  seen.applicationConnections =
                      Math.max(seen.applicationConnections, Integer.parseInt(pool));
                }
              }
              return seen;
            });
    int cancelledWhileRunning = 0;
    int refusedBeforeRunning = 0;
    int droppedByPooler = 0;
    try {
      for (int i = 0; i < abandonedRequests; i++) {
        int doomed = i;
        List<String> errors = call(() -> requests.doomed(doomed));
        for (String error : errors == null ? List.<String>of() : errors) {
          if (poolerDrop != null && error.startsWith(poolerDrop)) {
            droppedByPooler++;
            continue;
          }
          assertTrue(error.contains("request doomed-" + i + " "), error);
          cancelledWhileRunning += error.endsWith("cause=PSQLException") ? 1 : 0;
          refusedBeforeRunning += error.endsWith("cause=none") ? 1 : 0;
        }
      }
    } finally {
      done.set(true);
    }
    Innocent seen = innocent.join();
    ProbeAnswer recorded = call(requests::cancelsSent);
    List<Long> cancels = new ArrayList<>();
    for (String sent : recorded.values("cancel")) {
      cancels.add(Long.parseLong(sent));
    }
    Collections.sort(cancels);
    int whileInFlight = 0;
    for (long start : seen.startsMicros) {
      // The latest cancel sent before this statement started.
      int at = Collections.binarySearch(cancels, start);
      int before = at >= 0 ? at : -at - 2;
      if (before >= 0 && start - cancels.get(before) <= lateCancelNanos() / 1000) {
        whileInFlight++;
      }
    }
    Result result =
        new Result(
            abandonedRequests,
            cancelledWhileRunning,
            refusedBeforeRunning,
            droppedByPooler,
            seen.requests,
            cancels.size(),
            whileInFlight,
            seen.applicationConnections,
            seen.backends);
    System.out.println("never-the-wrong-query: " + result);
    assertEquals(List.of(), seen.failures, "statements of requests nobody abandoned failed");
    // One server process at a time: a pooler that drops a connection replaces its server one.
    assertTrue(
        seen.backends.size() <= 1 + droppedByPooler,
        "the innocent statements did not share one connection: " + result);
    return result;
  }

  private interface Call<T> {
    T run() throws Exception;
  }

  private static <T> T call(Call<T> call) {
    try {
      return call.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class Innocent {
    final List<String> failures = new ArrayList<>();
    final List<Long> startsMicros = new ArrayList<>();
    final Set<String> backends = new TreeSet<>();
    int applicationConnections;
    int requests;
  }
}
