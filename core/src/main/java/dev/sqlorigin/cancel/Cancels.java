package dev.sqlorigin.cancel;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.StatementCancel;
import dev.sqlorigin.log.AgentLog;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Sends the cancels of abandoned requests' statements, off the thread that asked: a cancel can hang
 * for the driver's whole cancel timeout (a half-broken network path, a pooler at its limit, a
 * firewall dropping packets), and whoever detects abandonments must never wait for one.
 *
 * <p>Bounded twice: a few daemon threads, created when needed and gone when idle; and per database,
 * at most {@link Config#cancelMaxPerDatabase()} cancels under way at once, the others queued behind
 * them. Each cancel's outcome is decided by what follows it: the statement ends as cancelled
 * ({@link CancelOutcome#CANCELLED}), the driver throws ({@link CancelOutcome#FAILED}), or the
 * statement still runs {@link Config#cancelTimeout()} later ({@link CancelOutcome#TIMED_OUT}, found
 * by the watchdog's {@link #followUp}). A timed-out statement's connection is then aborted, while
 * the statement is still registered as in flight: a connection that a pool handed to another
 * request can never be the one aborted.
 */
public final class Cancels {

  // Enough for cancels to several databases while one database's hang; the per-database cap keeps
  // one broken path from holding them all.
  private static final int THREADS = 8;
  private static final long IDLE_SECONDS = 30;

  private static volatile StatementCanceller canceller;
  private static final Map<String, Lane> LANES = new ConcurrentHashMap<>();
  private static final ThreadPoolExecutor EXECUTOR = executor();

  private Cancels() {}

  public static void install(StatementCanceller newCanceller) {
    canceller = newCanceller;
  }

  /** Whether {@code thrown} says the server cancelled the statement that threw it. */
  public static boolean wasCancelled(Throwable thrown) {
    StatementCanceller current = canceller;
    return thrown != null && current != null && current.wasCancelled(thrown);
  }

  /**
   * Asks for the cancel of one statement, from any thread, without waiting for it. Does nothing
   * when its outcome is known or a cancel of it is under way.
   */
  public static void cancel(RequestContext context, StatementCancel cancel, long nowNanos) {
    if (cancel.outcome() != null || !cancel.claim()) {
      return;
    }
    cancel.requested(nowNanos);
    try {
      EXECUTOR.execute(() -> admit(context, cancel));
    } catch (RuntimeException rejected) {
      // The JVM is going down: the watchdog tries again while it runs.
      cancel.release();
    }
  }

  /**
   * The watchdog's round for an abandoned request: sends again the cancels that returned while
   * their statement still runs (a driver ignores a cancel that arrives before it has sent the
   * query), and times out the ones that did not stop their statement within {@link
   * Config#cancelTimeout()}. Returns the {@link System#nanoTime()} by which it needs to look again,
   * or {@link Long#MAX_VALUE}.
   */
  public static long followUp(RequestContext context, long nowNanos) {
    Abandonment abandonment = context.abandonment();
    if (abandonment == null) {
      return Long.MAX_VALUE;
    }
    long timeout = context.config().cancelTimeout().toNanos();
    long next = Long.MAX_VALUE;
    for (StatementCancel cancel : abandonment.cancels()) {
      if (cancel.outcome() != null
          || !context.statementsInFlight().containsKey(cancel.statement())) {
        continue; // decided, or ended: its own thread decides as it unregisters
      }
      long requested = cancel.requestedNanos();
      if (requested != 0 && nowNanos - requested >= timeout) {
        timedOut(context, cancel, nowNanos - requested);
        continue;
      }
      cancel(context, cancel, nowNanos);
      next = Math.min(next, cancel.requestedNanos() + timeout);
    }
    return next;
  }

  /** On a cancel thread: waits for a place in the statement's database's lane, then cancels. */
  private static void admit(RequestContext context, StatementCancel cancel) {
    StatementCanceller current = canceller;
    if (current == null) {
      cancel.decide(CancelOutcome.FAILED, "no canceller is installed");
      cancel.release();
      return;
    }
    String database;
    try {
      database = current.database(cancel.statement());
    } catch (Throwable t) {
      // Its connection may be closing: the cancel will say more. One lane for the unknown.
      database = "";
    }
    Lane lane = LANES.computeIfAbsent(database, name -> new Lane());
    Runnable send = () -> send(current, cancel);
    if (!lane.admit(send, context.config().cancelMaxPerDatabase())) {
      return; // queued: run by the thread that frees a place
    }
    // This thread goes on with the lane's queue, so a queued cancel needs no thread of its own.
    for (Runnable next = send; next != null; next = lane.next()) {
      next.run();
    }
  }

  private static void send(StatementCanceller current, StatementCancel cancel) {
    try {
      if (cancel.outcome() == null) {
        current.cancel(cancel.statement());
      }
    } catch (Throwable t) {
      cancel.decide(CancelOutcome.FAILED, String.valueOf(t));
    } finally {
      cancel.release();
    }
  }

  /**
   * The statement still runs {@code waitedNanos} after its cancel was asked for: the cancel timed
   * out. With {@link Config#cancelAbortOnTimeout()}, its connection is aborted on a cancel thread.
   */
  private static void timedOut(RequestContext context, StatementCancel cancel, long waitedNanos) {
    String why =
        String.format(
            Locale.ROOT,
            cancel.busy()
                ? "timed out, no answer within %.1f s"
                : "timed out, the statement still ran %.1f s after its cancel",
            waitedNanos / 1e9);
    StatementCanceller current = canceller;
    if (!context.config().cancelAbortOnTimeout() || current == null) {
      cancel.decide(CancelOutcome.TIMED_OUT, why);
      return;
    }
    if (!cancel.claimAbort()) {
      return;
    }
    try {
      EXECUTOR.execute(() -> abort(context, cancel, current, why));
    } catch (RuntimeException rejected) {
      cancel.decide(CancelOutcome.TIMED_OUT, why);
    }
  }

  /**
   * Aborts the connection of a statement that is still registered, and decides the outcome before
   * its thread can unregister it: that thread, woken by the closed connection, then finds it.
   */
  private static void abort(
      RequestContext context, StatementCancel cancel, StatementCanceller current, String why) {
    context.whileInFlight(
        cancel.statement(),
        () -> {
          String result;
          try {
            current.abort(cancel.statement());
            result = "its connection was aborted";
          } catch (Throwable t) {
            result = "aborting its connection failed (" + t + ")";
            AgentLog.warnOnce(
                "abort:" + cancel.statement().getClass().getName(),
                "could not abort the connection of a " + cancel.statement().getClass().getName(),
                t);
          }
          cancel.decide(CancelOutcome.TIMED_OUT, why + "; " + result);
        });
  }

  private static ThreadPoolExecutor executor() {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            runnable -> {
              // No context class loader and no inherited thread locals: a cancel thread started
              // from a web application's thread must not keep that application's classes alive.
              Thread thread = new Thread(null, runnable, "sqlorigin-cancel", 0, false);
              thread.setContextClassLoader(null);
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** One database's cancels: how many are under way, and the ones waiting for a place. */
  private static final class Lane {
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    /** Takes a place for {@code task}, or queues it; returns whether it may run now. */
    synchronized boolean admit(Runnable task, int cap) {
      if (running < cap) {
        running++;
        return true;
      }
      waiting.add(task);
      return false;
    }

    /** A task is done: the next one waiting takes its place, or the place is given back. */
    synchronized Runnable next() {
      Runnable task = waiting.poll();
      if (task == null) {
        running--;
      }
      return task;
    }
  }
}
