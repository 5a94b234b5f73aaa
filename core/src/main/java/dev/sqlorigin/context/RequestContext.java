package dev.sqlorigin.context;

import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.cancel.Abandonment;
import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.label.ApplicationName;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.telemetry.TelemetryHooks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What sqlorigin knows about one HTTP request: where it came in, under which ID, the statements it
 * has in flight, and whether it was abandoned.
 */
public final class RequestContext {

  private final Config config;
  private final String requestId;
  private final long startNanos;
  private final long deadlineNanos;
  private final ClientSocket clientSocket;
  private volatile String route;
  // Rendered once per request (and again if the route is refined): the per-statement cost is then
  // a thread-local read and a string insert.
  private volatile String comment;

  // Statement -> System.nanoTime() at start, from any thread working for the request (each
  // thread's Binding keeps its own nesting depth, so a pool proxy and its driver register once).
  private final Map<Object, Long> inFlight = new ConcurrentHashMap<>(4);
  private volatile Abandonment abandonment;
  // What the installed telemetry keeps for this request (its server span), or null.
  private volatile Object telemetry;
  // Set when the request has answered: work it handed to other threads and that outlives it is no
  // longer held to its deadline (nobody waits for it any more, nor is it late).
  private volatile boolean ended;

  /**
   * @param deadlineNanos the {@link System#nanoTime()} after which the request is abandoned, or 0
   * @param clientSocket the connection the request came on, for disconnect detection, or null
   */
  public RequestContext(
      Config config,
      String route,
      String requestId,
      long startNanos,
      long deadlineNanos,
      ClientSocket clientSocket) {
    this.config = config;
    this.route = route;
    this.requestId = requestId;
    this.startNanos = startNanos;
    this.deadlineNanos = deadlineNanos;
    this.clientSocket = clientSocket;
  }

  /** The low-cardinality route template, e.g. {@code GET /owners/{id}}. */
  public String route() {
    return route;
  }

  public String requestId() {
    return requestId;
  }

  /** {@link System#nanoTime()} when the request came in. */
  public long startNanos() {
    return startNanos;
  }

  /**
   * Replaces the route with a better template once a framework knows it (a Spring MVC pattern, a
   * JAX-RS path); later statements of the request carry the new one.
   */
  public void refineRoute(String template) {
    if (template != null && !template.equals(route)) {
      route = template;
      comment = null;
    }
  }

  /** The comment for this request's statements, or null when no field is configured. */
  public String comment() {
    String rendered = comment;
    if (rendered == null) {
      Map<String, String> fields = new LinkedHashMap<>();
      if (config.commentFields().contains(CommentField.ROUTE)) {
        fields.put(CommentField.ROUTE.key(), route);
      }
      if (config.commentFields().contains(CommentField.REQUEST_ID)) {
        fields.put(CommentField.REQUEST_ID.key(), requestId);
      }
      rendered = SqlComment.render(config.commentFormat(), fields);
      comment = rendered;
    }
    return rendered;
  }

  /** The telemetry's handle for this request (see {@link TelemetryHooks}), or null. */
  public Object telemetry() {
    return telemetry;
  }

  public void telemetry(Object handle) {
    telemetry = handle;
  }

  public long deadlineNanos() {
    return deadlineNanos;
  }

  public ClientSocket clientSocket() {
    return clientSocket;
  }

  /** The abandonment, or null while the request is wanted. */
  public Abandonment abandonment() {
    return abandonment;
  }

  /**
   * The abandonment, after abandoning the request if its deadline has passed (so that a deadline
   * holds at the next JDBC call even when no statement was in flight for the watchdog to see).
   */
  public Abandonment checkAbandonment() {
    Abandonment current = abandonment;
    if (current == null && deadlineNanos != 0 && !ended && System.nanoTime() - deadlineNanos > 0) {
      abandon(AbandonReason.DEADLINE);
      current = abandonment;
    }
    return current;
  }

  /**
   * Registers {@code statement} as running for this request; the caller ({@link Binding}) has
   * checked the abandonment and the nesting. Returns null to go ahead, or the message to fail with
   * when an abandonment raced the registration.
   */
  String register(Object statement, String sql) {
    inFlight.put(statement, System.nanoTime());
    ActiveRequests.statementStarted(deadlineNanos);
    if (config.requestIdInApplicationName()) {
      ApplicationName.label(statement, requestId);
    }
    TelemetryHooks.statementStarted(this, statement, sql);
    // An abandonment that raced the registration may have missed this statement: check again.
    Abandonment current = abandonment;
    if (current != null) {
      unregister(statement, null);
      return current.message();
    }
    return null;
  }

  void unregister(Object statement, Throwable thrown) {
    if (inFlight.remove(statement) != null) {
      ActiveRequests.statementEnded();
      TelemetryHooks.statementEnded(this, statement, thrown);
    }
  }

  /**
   * The request has answered (its outermost call returned, its async cycle completed, its job
   * finished). Tasks it handed to other threads may still run: they keep its tags and its
   * abandonment, but no longer its deadline. Returns false when it had already ended.
   */
  public boolean end() {
    synchronized (this) {
      if (ended) {
        return false;
      }
      ended = true;
      return true;
    }
  }

  /** Whether {@link #end()} was called. */
  public boolean hasEnded() {
    return ended;
  }

  /**
   * For a statement that failed as cancelled (SQLState 57014) with {@code message}: the reason to
   * report instead, or null when sqlorigin did not cancel it or the message already says why (a
   * pool proxy sees what its driver's advice already explained).
   */
  public String explainCancellation(String message) {
    Abandonment current = abandonment;
    return current == null || current.message().equals(message) ? null : current.message();
  }

  /**
   * The {@link System#nanoTime()} start of the oldest statement in flight, or {@code now} if none.
   */
  public long oldestStatementStart(long now) {
    long oldest = now;
    for (long start : inFlight.values()) {
      oldest = start - oldest < 0 ? start : oldest;
    }
    return oldest;
  }

  /** Statements in flight, each with its {@link System#nanoTime()} start. */
  public Map<Object, Long> statementsInFlight() {
    return inFlight;
  }

  /**
   * Gives the request up: records why, cancels its in-flight statements, and makes its later
   * statements fail fast. Returns false when it was already abandoned.
   */
  public boolean abandon(AbandonReason reason) {
    Abandonment record = new Abandonment(reason, System.nanoTime() - startNanos, requestId, route);
    synchronized (this) {
      if (abandonment != null) {
        return false;
      }
      abandonment = record;
    }
    int cancelled = cancelInFlight();
    ActiveRequests.countAbandoned(reason, cancelled);
    TelemetryHooks.requestAbandoned(this, reason, cancelled);
    AgentLog.info(
        record.message().substring("sqlorigin: ".length())
            + "; cancelled "
            + cancelled
            + (cancelled == 1 ? " statement" : " statements"));
    return true;
  }

  /**
   * Cancels, through each exact statement, whatever this request still has in flight. Safe to call
   * again: a driver that guards its cancel (pgjdbc does) ignores a statement that has finished.
   */
  public int cancelInFlight() {
    int cancelled = 0;
    for (Object statement : inFlight.keySet()) {
      if (ActiveRequests.cancel(statement)) {
        cancelled++;
      }
    }
    return cancelled;
  }

  @Override
  public String toString() {
    return route + " " + requestId;
  }
}
