package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.log.AgentLog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The installed {@link RequestObserver}s, none by default: then each call is a volatile read or two
 * and allocates nothing. A fault in an observer is logged once and never reaches the application's
 * request or statement.
 *
 * <p>What requests need may still be being built on another thread when they begin ({@link
 * #expect}: an observer, the weaving of the JDK's executors): a request that starts meanwhile waits
 * for it, so that none is left out of it, but no longer than the bound given; once that has passed,
 * requests no longer wait.
 */
final class Observers {

  private static final Expected[] NONE = new Expected[0];

  private static volatile RequestObserver[] installed = new RequestObserver[0];
  // Empty once nothing is being built, or what is being built took too long: then nobody waits.
  private static volatile Expected[] expected = NONE;

  private Observers() {}

  /** Something being built that requests wait for. */
  private static final class Expected {
    final Future<?> building;
    final long untilNanos;
    final String lateWarning;

    Expected(Future<?> building, long untilNanos, String lateWarning) {
      this.building = building;
      this.untilNanos = untilNanos;
      this.lateWarning = lateWarning;
    }
  }

  /**
   * {@code building} completes once something requests need is there (or could not be): until then,
   * or until {@code waitNanos} from now, a request that starts waits for it; {@code lateWarning} is
   * said once if they stop waiting.
   */
  static synchronized void expect(Future<?> building, long waitNanos, String lateWarning) {
    Expected[] more = Arrays.copyOf(expected, expected.length + 1);
    more[expected.length] = new Expected(building, System.nanoTime() + waitNanos, lateWarning);
    expected = more;
  }

  /** Waits for what is being built, if anything is, within the bounds {@link #expect} set. */
  static void awaitExpected() {
    Expected[] pending = expected;
    if (pending.length == 0) {
      return;
    }
    for (Expected each : pending) {
      try {
        each.building.get(Math.max(0, each.untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException late) {
        AgentLog.warnOnce("late:" + each.lateWarning, each.lateWarning, null);
      } catch (InterruptedException e) {
        // Not ours to swallow: the request goes on, as if nothing were being built.
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | RuntimeException failed) {
        // Said where it failed; the requests go on without it.
      }
    }
    done(pending);
  }

  /** Nobody waits for {@code waited} any longer: it is there, failed or late. */
  private static synchronized void done(Expected[] waited) {
    List<Expected> left = new ArrayList<>(Arrays.asList(expected));
    left.removeAll(Arrays.asList(waited));
    expected = left.toArray(NONE);
  }

  static synchronized void add(RequestObserver observer) {
    RequestObserver[] more = Arrays.copyOf(installed, installed.length + 1);
    more[installed.length] = observer;
    installed = more;
  }

  static boolean any() {
    awaitExpected();
    return installed.length > 0;
  }

  /** Told once {@link RequestLifecycle#start} has waited for what is being built. */
  static void requestStarted(RequestContext context, RequestStart start) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(observers, "request-started", observer -> observer.requestStarted(context, start));
    }
  }

  static void requestEnded(RequestContext context, int status, Throwable thrown) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(observers, "request-ended", observer -> observer.requestEnded(context, status, thrown));
    }
  }

  static void requestAbandoned(RequestContext context, Abandonment abandonment) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(
          observers,
          "request-abandoned",
          observer -> observer.requestAbandoned(context, abandonment));
    }
  }

  static void statementStarted(RequestContext context, Object statement, String sql) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(
          observers,
          "statement-started",
          observer -> observer.statementStarted(context, statement, sql));
    }
  }

  static void statementEnded(
      RequestContext context, Object statement, Throwable thrown, CancelOutcome outcome) {
    RequestObserver[] observers = installed;
    if (observers.length > 0) {
      tell(
          observers,
          "statement-ended",
          observer -> observer.statementEnded(context, statement, thrown, outcome));
    }
  }

  private static void tell(
      RequestObserver[] observers, String event, Consumer<RequestObserver> call) {
    for (RequestObserver observer : observers) {
      try {
        call.accept(observer);
      } catch (Throwable t) {
        AgentLog.warnOnce("observer:" + event, "an observer of requests failed (" + event + ")", t);
      }
    }
  }
}
