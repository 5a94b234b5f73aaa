package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.route.Routes;

/**
 * What a request source knows as a request begins, handed to {@link RequestLifecycle#start}: the
 * route candidate (a framework may refine it later), the request ID it came with, hints at its
 * deadline, and how its client's departure can be seen (its socket, or a cancellation of the
 * source's own). Every part but the route is optional. Built in advice code, so plain calls only:
 *
 * <pre>{@code
 * RequestContext context = RequestLifecycle.start(
 *     RequestStart.http(method, Routes.servlet(...))
 *         .requestId(request.getHeader("X-Request-Id"))
 *         .queuedSince(request.getHeader("X-Request-Start"))
 *         .clientSocket(request.getLocalPort(), request.getRemotePort()));
 * }</pre>
 */
public final class RequestStart {

  private final RequestKind kind;
  private final String method;
  private final String route;
  private String requestId;
  private String queuedSince;
  private long deadlineInNanos;
  private AbandonReason deadlineReason;
  private int localPort;
  private int remotePort;
  private Object cancellationHandle;
  private String target;
  private String scheme;
  private String traceparent;
  private String tracestate;

  private RequestStart(RequestKind kind, String method, String route) {
    this.kind = kind;
    this.method = method;
    this.route = route;
  }

  /**
   * An HTTP request; {@code route} is a template built with {@link Routes} (never the raw path).
   */
  public static RequestStart http(String method, String route) {
    return new RequestStart(RequestKind.HTTP, method, route);
  }

  /**
   * A remote procedure call; {@code route} is its full method name as {@link Routes#rpc} makes it.
   * It has no HTTP method.
   */
  public static RequestStart rpc(String route) {
    return new RequestStart(RequestKind.RPC, null, route);
  }

  /**
   * A unit of work the application named: its statements carry {@code route=<origin>} (bounded like
   * a route) and an ID of their own; it has no deadline.
   */
  public static RequestStart job(String origin) {
    return new RequestStart(RequestKind.JOB, null, Routes.origin(origin));
  }

  /** The request ID the request came with (validated; a new one is generated if it is not fit). */
  public RequestStart requestId(String incoming) {
    requestId = incoming;
    return this;
  }

  /**
   * The router's queue-start header ({@code X-Request-Start: t=<epoch micros>}): the time the
   * request waited there counts in its timeout.
   */
  public RequestStart queuedSince(String header) {
    queuedSince = header;
    return this;
  }

  /**
   * A deadline of the source's own (a gRPC deadline), {@code nanos} from now, reported as {@code
   * reason} when it passes first: the request is abandoned at the earlier of it and the configured
   * timeout.
   */
  public RequestStart deadlineIn(long nanos, AbandonReason reason) {
    deadlineInNanos = Math.max(1, nanos);
    deadlineReason = reason;
    return this;
  }

  /**
   * The TCP connection the request came on (ports as the server reports them): the watchdog
   * abandons the request when the client closed it while a statement runs. Ignored unless both are
   * known.
   */
  public RequestStart clientSocket(int localPort, int remotePort) {
    this.localPort = localPort;
    this.remotePort = remotePort;
    return this;
  }

  /**
   * The object through which the source reports, itself, that the request was cancelled (a gRPC
   * call, an HTTP/2 stream): {@link RequestLifecycle#cancelled(Object, AbandonReason)} with it
   * abandons this request until it ends.
   */
  public RequestStart cancellationHandle(Object handle) {
    cancellationHandle = handle;
    return this;
  }

  /**
   * For observers (a trace): the target (the URL path, without the query; an RPC's full method
   * name) and scheme, and the incoming W3C trace context. Read them only when {@link
   * RequestLifecycle#observed()}.
   */
  public RequestStart trace(String target, String scheme, String traceparent, String tracestate) {
    this.target = target;
    this.scheme = scheme;
    this.traceparent = traceparent;
    this.tracestate = tracestate;
    return this;
  }

  public RequestKind kind() {
    return kind;
  }

  /** The HTTP method as the source reported it, or null for a job or an RPC. */
  public String method() {
    return method;
  }

  public String route() {
    return route;
  }

  String incomingRequestId() {
    return requestId;
  }

  String queuedSinceHeader() {
    return queuedSince;
  }

  long deadlineInNanos() {
    return deadlineInNanos;
  }

  AbandonReason deadlineReason() {
    return deadlineReason;
  }

  int localPort() {
    return localPort;
  }

  int remotePort() {
    return remotePort;
  }

  Object cancellationHandle() {
    return cancellationHandle;
  }

  /** The URL path, or null. */
  public String target() {
    return target;
  }

  public String scheme() {
    return scheme;
  }

  /** The incoming W3C {@code traceparent}, or null. */
  public String traceparent() {
    return traceparent;
  }

  /** The incoming W3C {@code tracestate}, or null. */
  public String tracestate() {
    return tracestate;
  }
}
