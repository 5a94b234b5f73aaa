package dev.sqlorigin.context;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What sqlorigin knows about one request (or named job): where it came in, under which ID, until
 * when it is wanted, the statements it has in flight, and whether it was abandoned. State only:
 * what happens to a request, and in which order, is {@code RequestLifecycle}'s.
 */
public final class RequestContext {

  private final Config config;
  private final String requestId;
  private final long startNanos;
  private final long deadlineNanos;
  private final AbandonReason deadlineReason;
  private final ClientSocket clientSocket;
  private final Object cancellationHandle;
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
   * @param deadlineReason what passing the deadline is reported as
   * @param clientSocket the connection the request came on, for disconnect detection, or null
   * @param cancellationHandle the object through which its source reports a cancellation of its own
   *     (a gRPC call, an HTTP/2 stream), or null
   */
  public RequestContext(
      Config config,
      String route,
      String requestId,
      long startNanos,
      long deadlineNanos,
      AbandonReason deadlineReason,
      ClientSocket clientSocket,
      Object cancellationHandle) {
    this.config = config;
    this.route = route;
    this.requestId = requestId;
    this.startNanos = startNanos;
    this.deadlineNanos = deadlineNanos;
    this.deadlineReason = deadlineReason;
    this.clientSocket = clientSocket;
    this.cancellationHandle = cancellationHandle;
  }

  /** The settings in force when the request started. */
  public Config config() {
    return config;
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

  /** The {@link System#nanoTime()} after which the request is abandoned, or 0. */
  public long deadlineNanos() {
    return deadlineNanos;
  }

  /** What passing {@link #deadlineNanos()} is reported as. */
  public AbandonReason deadlineReason() {
    return deadlineReason;
  }

  /** Whether the request is still held to a deadline that has passed at {@code nowNanos}. */
  public boolean deadlinePassed(long nowNanos) {
    return deadlineNanos != 0 && !ended && nowNanos - deadlineNanos >= 0;
  }

  public ClientSocket clientSocket() {
    return clientSocket;
  }

  /** What its source reports its own cancellation through, or null. */
  public Object cancellationHandle() {
    return cancellationHandle;
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

  /** The telemetry's handle for this request, or null. */
  public Object telemetry() {
    return telemetry;
  }

  public void telemetry(Object handle) {
    telemetry = handle;
  }

  /** The abandonment, or null while the request is wanted. */
  public Abandonment abandonment() {
    return abandonment;
  }

  /**
   * Records the abandonment, unless there is one already (the first reason stands): from now on the
   * request's JDBC calls fail fast. The statements in flight at this moment are the ones to cancel;
   * {@code report} runs once all their cancels have an outcome (see {@link Abandonment#armed}).
   * Returns null when the request was abandoned already.
   */
  public Abandonment abandon(AbandonReason reason, long nowNanos, Consumer<Abandonment> report) {
    synchronized (this) {
      if (abandonment != null) {
        return null;
      }
      abandonment =
          new Abandonment(
              reason, nowNanos - startNanos, requestId, route, inFlight.keySet(), report);
      return abandonment;
    }
  }

  /** Registers {@code statement} as running since {@code nowNanos}. */
  public void register(Object statement, long nowNanos) {
    inFlight.put(statement, nowNanos);
  }

  /** Removes {@code statement}; returns whether it was registered. */
  public boolean unregister(Object statement) {
    return inFlight.remove(statement) != null;
  }

  /**
   * Runs {@code action} only while {@code statement} is registered, and keeps it registered until
   * {@code action} returns: the statement's own thread cannot unregister it (and so return its
   * connection to a pool) in between. Returns whether it ran.
   */
  public boolean whileInFlight(Object statement, Runnable action) {
    boolean[] ran = {false};
    inFlight.computeIfPresent(
        statement,
        (key, start) -> {
          action.run();
          ran[0] = true;
          return start;
        });
    return ran[0];
  }

  /** Statements in flight, each with its {@link System#nanoTime()} start. */
  public Map<Object, Long> statementsInFlight() {
    return inFlight;
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

  public boolean ended() {
    return ended;
  }

  @Override
  public String toString() {
    return route + " " + requestId;
  }
}
