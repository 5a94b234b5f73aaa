package dev.sqlorigin.lifecycle;

import dev.sqlorigin.cancel.Cancels;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.ClientSocket;
import dev.sqlorigin.context.ConnectionWait;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.QueueTime;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.RequestIds;
import dev.sqlorigin.context.StatementCancel;
import dev.sqlorigin.control.Limit;
import dev.sqlorigin.control.Refusal;
import dev.sqlorigin.control.RouteControls;
import dev.sqlorigin.label.ApplicationName;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.route.Routes;
import java.time.Duration;
import java.util.concurrent.Future;

/**
 * Everything that happens to a request, in the order it happens: every request source (the servlet
 * advice, the jobs API, the RPC and HTTP servers to come) calls these, and nothing else changes a
 * request's state. Read from top to bottom:
 *
 * <ol>
 *   <li>{@link #start}: the source reports a request; it gets its ID and deadline, passes the
 *       operator's route blocks and concurrency caps (or is refused: its source answers 503 before
 *       the handler runs, see {@link RequestContext#refusal()}), is registered (the watchdog, the
 *       operator and the shutdown hook see it) and observed (telemetry);
 *   <li>{@link #bind} on the thread that serves it, {@link #suspend} when that thread lets go of a
 *       request still running elsewhere (async), {@link #resume} on the next one;
 *   <li>{@link #refineRoute} once a framework knows the route template, which passes the blocks and
 *       caps again;
 *   <li>{@link #statementStarted}/{@link #statementEnded} around each of its JDBC statements, and
 *       {@link #refusal} before the JDBC calls that run none: the statements are registered in
 *       flight, and refused once the request is abandoned;
 *   <li>{@link #end} (or {@link #complete} from whichever thread learns it) when it has answered;
 *   <li>{@link #abandon} at any time before that (deadline, disconnect, shutdown, operator, the
 *       source's own cancellation through {@link #cancelled}): its statements in flight are
 *       cancelled off the calling thread, its later JDBC calls fail fast, and once every cancel has
 *       an outcome it is reported (logged, counted, observed).
 * </ol>
 *
 * Every method fails open: a fault is logged once and the request or statement goes on as if
 * sqlorigin were not there.
 */
public final class RequestLifecycle {

  private RequestLifecycle() {}

  /**
   * A request begins. Returns its context, or null when sqlorigin is disabled or fails: the request
   * then runs untracked.
   */
  public static RequestContext start(RequestStart start) {
    try {
      // Once what requests need is there (the agent installs the route controls and the control
      // file's settings beside the application's start): a JVM starting during an incident serves
      // its first request under the fleet's blocks and timeout.
      Observers.awaitExpected();
      Config config = Config.current();
      if (!config.enabled()) {
        return null;
      }
      long now = System.nanoTime();
      // Its ID: the one it came with when plausible (it is echoed and logged), else a new one.
      String requestId = RequestIds.accept(start.incomingRequestId(), config.requestIdMaxLength());
      if (requestId == null) {
        requestId = RequestIds.generate();
      }
      // Its deadline: the configured timeout less the time it queued at the router, or the
      // source's own deadline, whichever comes first. Jobs are not held to the timeout.
      long deadline = 0;
      boolean hasDeadline = false;
      AbandonReason deadlineReason = AbandonReason.DEADLINE;
      Duration timeout = config.requestTimeout();
      if (start.kind() != RequestKind.JOB && !timeout.isZero()) {
        long queued = QueueTime.queuedNanos(start.queuedSinceHeader(), System.currentTimeMillis());
        deadline = now + timeout.toNanos() - queued;
        hasDeadline = true;
      }
      if (start.deadlineInNanos() > 0
          && (!hasDeadline || now + start.deadlineInNanos() - deadline < 0)) {
        deadline = now + start.deadlineInNanos();
        deadlineReason = start.deadlineReason();
        hasDeadline = true;
      }
      if (hasDeadline && deadline == 0) {
        deadline = 1; // 0 means "no deadline"
      }
      // Its client: the socket the watchdog checks for a disconnect, when the source has one.
      ClientSocket socket =
          start.localPort() > 0 && start.remotePort() > 0
              ? new ClientSocket(start.localPort(), start.remotePort())
              : null;
      RequestContext context =
          new RequestContext(
              config,
              start.route(),
              requestId,
              now,
              deadline,
              deadlineReason,
              socket,
              start.cancellationHandle());
      // Refused by a route block or a concurrency cap: neither registered nor observed, and never
      // bound (its source answers it at once); a source that binds it all the same finds its
      // JDBC calls refused.
      if (start.kind() != RequestKind.JOB
          && RouteControls.get().active()
          && admit(context) != null) {
        return context;
      }
      RequestRegistry.add(context);
      Observers.requestStarted(context, start);
      return context;
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "start-request", "could not start a request context; the request runs untracked", t);
      return null;
    }
  }

  /**
   * Binds {@code context} to this thread, over whatever the thread was bound to; {@link #unbind}
   * (or {@link #end}) with the result restores that.
   */
  public static Binding bind(RequestContext context) {
    return CurrentRequest.enter(context);
  }

  /** This thread no longer works for the request of {@code binding}. */
  public static void unbind(Binding binding) {
    CurrentRequest.exit(binding);
  }

  /**
   * The thread lets go of a request that goes on elsewhere (servlet async, a reactive pipeline): it
   * stays active, registered and held to its deadline, until {@link #complete} or {@link #abandon}.
   */
  public static void suspend(Binding binding) {
    unbind(binding);
  }

  /**
   * A thread takes up a suspended request again ({@code suspended} as the source kept it, e.g. in a
   * request attribute): binds and returns it, or returns null when it holds none.
   */
  public static Binding resume(Object suspended) {
    return suspended instanceof RequestContext ? bind((RequestContext) suspended) : null;
  }

  /**
   * Gives the current request the route template its framework matched ({@code template} relative
   * to {@code basePath}); later statements carry it. Without a current request, does nothing. The
   * template passes the route blocks and caps: a request refused here is answered 503 by a source
   * that can still answer ({@link RequestContext#refusal()}: Spring MVC and Jersey do, before the
   * handler), and its JDBC calls fail fast in any case.
   */
  public static void refineRoute(String method, String basePath, String template) {
    try {
      RequestContext context = CurrentRequest.get();
      if (context != null && template != null) {
        context.refineRoute(Routes.template(method, basePath, template));
        if (RouteControls.get().active() && context.refusal() == null) {
          admit(context);
        }
      }
    } catch (Throwable t) {
      AgentLog.warnOnce(
          "refine-route", "could not read a framework's route; the servlet route is kept", t);
    }
  }

  /**
   * {@code statement} is about to run for the request of {@code binding} ({@code sql}: the text of
   * {@code execute*(String)}, else null). Registers it as in flight, unless an outer call of this
   * thread did (a pool proxy and its driver are one statement). Returns null to go ahead, or the
   * message to fail with (SQLState 57014) once the request was abandoned: nothing reaches the
   * database then.
   */
  public static String statementStarted(Binding binding, Object statement, String sql) {
    RequestContext context = binding.context();
    Abandonment abandonment = abandonment(context);
    if (abandonment != null) {
      return abandonment.message();
    }
    Refusal refused = context.refusal();
    if (refused != null) {
      return refused.message();
    }
    if (!binding.enterStatement()) {
      return null;
    }
    context.register(statement, System.nanoTime());
    Counters.statementStarted();
    WatchdogAlarm.statementStarted(context.deadlineNanos());
    if (context.config().requestIdInApplicationName()) {
      ApplicationName.label(statement, context.requestId());
    }
    Observers.statementStarted(context, statement, sql);
    // An abandonment that raced the registration may have missed this statement: refuse it.
    abandonment = context.abandonment();
    if (abandonment != null) {
      statementEnded(binding, statement, null);
      return abandonment.message();
    }
    return null;
  }

  /**
   * Ends what {@link #statementStarted} let through (not called when it refused), normally or by
   * {@code thrown}. Returns null, or the message to throw instead of {@code thrown} (SQLState
   * 57014): the server's "canceling statement due to user request" does not say who asked, or why,
   * and a connection aborted under a timed-out cancel fails with an I/O error. A pool between the
   * application and the driver still sees what the driver threw.
   */
  public static String statementEnded(Binding binding, Object statement, Throwable thrown) {
    RequestContext context = binding.context();
    boolean outermost = binding.exitStatement();
    Abandonment abandonment = context.abandonment();
    CancelOutcome outcome = null;
    if (outermost && context.unregister(statement)) {
      Counters.statementEnded();
      if (abandonment != null) {
        outcome = decideOnEnd(abandonment, statement, thrown);
      }
      Observers.statementEnded(context, statement, thrown, outcome);
    }
    if (abandonment == null
        || thrown == null
        || abandonment.message().equals(thrown.getMessage())) {
      return null;
    }
    return Cancels.wasCancelled(thrown) || outcome == CancelOutcome.TIMED_OUT
        ? abandonment.message()
        : null;
  }

  /**
   * The request's thread is about to get a connection ({@code DataSource.getConnection}), which may
   * wait: in a pool's queue while the database cannot be reached, in a driver's connect. The
   * outermost call registers the wait beside the request's statements, so that the watchdog holds
   * it to the request's deadline and client; abandoning the request interrupts the waiting thread
   * ({@link ConnectionWait}). Returns the wait, or null for a nested call or a request already
   * abandoned (the fail-fast refusal answers that one).
   */
  public static ConnectionWait connectionWaitStarted(Binding binding) {
    RequestContext context = binding.context();
    if (!binding.enterConnect() || context.abandonment() != null) {
      return null;
    }
    ConnectionWait wait = ConnectionWait.ofCurrentThread();
    context.register(wait, System.nanoTime());
    Counters.connectionWaitStarted();
    WatchdogAlarm.statementStarted(context.deadlineNanos());
    // An abandonment that raced the registration may have missed the wait: stop it ourselves.
    if (context.abandonment() != null) {
      wait.interrupt();
    }
    return wait;
  }

  /**
   * Ends what {@link #connectionWaitStarted} began ({@code wait} null for a call that registered
   * none). Returns the message to fail with (SQLState 57014) when abandoning the request
   * interrupted the wait, whose interrupt is then cleared: the pool's own error ("interrupted
   * during connection acquisition") would not say why. Null otherwise.
   */
  public static String connectionWaitEnded(Binding binding, ConnectionWait wait) {
    binding.exitConnect();
    if (wait == null) {
      return null;
    }
    RequestContext context = binding.context();
    boolean interrupted = wait.end();
    if (context.unregister(wait)) {
      Counters.connectionWaitEnded();
    }
    Abandonment abandonment = context.abandonment();
    return interrupted && abandonment != null ? abandonment.message() : null;
  }

  /**
   * For the JDBC calls that run no statement ({@code getConnection}, {@code prepare*}, {@code
   * commit}) on this thread: null to go ahead, or the message to fail with once the request was
   * abandoned. Cleanup ({@code rollback}, {@code close}) always goes ahead.
   */
  public static String refusal() {
    Binding binding = CurrentRequest.binding();
    if (binding == null || binding.inCleanup()) {
      return null;
    }
    Abandonment abandonment = abandonment(binding.context());
    if (abandonment != null) {
      return abandonment.message();
    }
    Refusal refused = binding.context().refusal();
    return refused == null ? null : refused.message();
  }

  /**
   * The thread that served the request lets go of it, and the request has answered {@code status}
   * (the source's status code: an HTTP status, 0 when unknown; an RPC's gRPC code, -1 when unknown)
   * or thrown {@code thrown}.
   */
  public static void end(Binding binding, int status, Throwable thrown) {
    unbind(binding);
    complete(binding.context(), status, thrown);
  }

  /**
   * The request has answered, as learnt on any thread (an async listener); only the first call
   * counts. Work it handed to other threads may still run: it keeps the request's tags and
   * abandonment, no longer its deadline.
   */
  public static void complete(RequestContext context, int status, Throwable thrown) {
    if (context.end()) {
      context.releaseLimits();
      Observers.requestEnded(context, status, thrown);
      RequestRegistry.remove(context);
    }
  }

  /**
   * Gives the request up, for {@code reason}, from any thread; the first reason stands. Returns at
   * once: its later JDBC calls fail fast from now on; the statements it has in flight are
   * cancelled, through each exact statement, on cancel threads ({@link Cancels}, which the watchdog
   * follows up); once every cancel has an outcome, the abandonment is reported. Returns false when
   * it was abandoned already.
   */
  public static boolean abandon(RequestContext context, AbandonReason reason) {
    return abandon(context, reason, System.nanoTime());
  }

  /**
   * {@link #abandon(RequestContext, AbandonReason)} at {@code nowNanos}, for a caller that has just
   * read the clock (the watchdog): the request's age, and the time its cancels were asked for, are
   * on the caller's clock, as its later follow-ups are.
   */
  public static boolean abandon(RequestContext context, AbandonReason reason, long nowNanos) {
    try {
      Abandonment abandonment = context.abandon(reason, nowNanos, done -> report(context, done));
      if (abandonment == null) {
        return false;
      }
      Counters.abandoned(reason);
      for (StatementCancel cancel : abandonment.cancels()) {
        Cancels.cancel(context, cancel, nowNanos);
      }
      int waits = 0;
      for (Object inFlight : context.statementsInFlight().keySet()) {
        if (inFlight instanceof ConnectionWait) {
          ((ConnectionWait) inFlight).interrupt();
          waits++;
        }
      }
      abandonment.stoppedWaits(waits);
      abandonment.armed();
      return true;
    } catch (Throwable t) {
      AgentLog.warnOnce("abandon", "could not abandon a request", t);
      return false;
    }
  }

  /**
   * The source reports, itself, that the request registered under {@code handle} ({@link
   * RequestStart#cancellationHandle}) was cancelled: abandons it for {@code reason}, if it is still
   * being served.
   */
  public static void cancelled(Object handle, AbandonReason reason) {
    RequestContext context = RequestRegistry.byHandle(handle);
    if (context != null) {
      abandon(context, reason);
    }
  }

  /** Installs an observer; the agent's telemetry is one. */
  public static void observe(RequestObserver observer) {
    Observers.add(observer);
  }

  /**
   * Something requests need (an observer, the weaving of the JDK's executors) is being built on
   * another thread, and {@code building} completes once it is there: a request that starts before
   * then waits for it, no longer than {@code waitNanos} from now, so that it is not left out of it
   * (its span, its tasks' context). {@code lateWarning} is said once if requests stop waiting.
   */
  public static void expect(Future<?> building, long waitNanos, String lateWarning) {
    Observers.expect(building, waitNanos, lateWarning);
  }

  /**
   * Whether anything observes requests: a source reads what only observers need ({@link
   * RequestStart#trace}) only then.
   */
  public static boolean observed() {
    return Observers.any();
  }

  /**
   * Passes the request's route through the operator's blocks and caps, once some are in force (the
   * callers ask {@link RouteControls#active()} first: one volatile read on the request's path when
   * none is): returns null when it may go on (holding a slot of its route's cap, if one applies,
   * until it completes), or why not, which it then carries.
   */
  private static Refusal admit(RequestContext context) {
    RouteControls controls = RouteControls.get();
    String route = context.route();
    Refusal refused = controls.refuseIfBlocked(route);
    if (refused == null) {
      Limit limit = controls.limitFor(route);
      if (limit != null && context.admission().mayHold(limit)) {
        refused = controls.admit(route, limit);
        if (refused == null) {
          context.admission().hold(limit);
        }
      }
    }
    if (refused != null) {
      context.admission().refuse(refused);
    }
    return refused;
  }

  /**
   * The abandonment, after abandoning the request if its deadline has passed: a deadline holds at
   * the request's next JDBC call even when no statement was in flight for the watchdog to see.
   */
  private static Abandonment abandonment(RequestContext context) {
    Abandonment abandonment = context.abandonment();
    // The clock is read only for a request that has a deadline: most have none.
    if (abandonment == null
        && context.deadlineNanos() != 0
        && context.deadlinePassed(System.nanoTime())) {
      abandon(context, context.deadlineReason());
      abandonment = context.abandonment();
    }
    return abandonment;
  }

  /**
   * A statement of an abandoned request ended: unless its cancel's outcome is known, this decides
   * it (cancelled when the server says so, else it ended of its own).
   */
  private static CancelOutcome decideOnEnd(
      Abandonment abandonment, Object statement, Throwable thrown) {
    StatementCancel cancel = abandonment.cancelOf(statement);
    if (cancel == null) {
      return null; // refused as it registered: it never ran
    }
    if (cancel.outcome() == null) {
      cancel.decide(
          cancel.requestedNanos() != 0 && Cancels.wasCancelled(thrown)
              ? CancelOutcome.CANCELLED
              : CancelOutcome.ENDED,
          null);
    }
    return cancel.outcome();
  }

  /** Every cancel of an abandonment has an outcome: counted, observed, and one line logged. */
  private static void report(RequestContext context, Abandonment abandonment) {
    Counters.reported(abandonment);
    Observers.requestAbandoned(context, abandonment);
    AgentLog.info(abandonment.summary());
  }
}
