package dev.sqlorigin.source;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.route.Routes;
import java.lang.reflect.InvocationHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * What the gRPC server advice needs in core: a call is a request from its handler's {@code
 * startCall} until its listener hears that it completed or was cancelled. Core cannot see gRPC's
 * types (it sits on the bootstrap class path), so calls and listeners are plain objects here, and
 * what needs gRPC's API (metadata, the call's {@code Context}) is read by the advice.
 *
 * <p>A call is known by two objects: the {@code ServerCall} that the server passed to the outermost
 * handler (the response headers go out through it; it is also the request's cancellation handle),
 * and the listener that handler returned (the server delivers every later event of the call to it,
 * on its executor's threads). Each call's entries are removed when it ends, so nothing here
 * outlives a call.
 */
public final class GrpcCalls {

  // Neither gRPC's ServerCallImpl nor the listeners of its stubs and interceptors override equals:
  // these maps are keyed by identity.
  private static final Map<Object, GrpcCall> BY_SERVER_CALL = new ConcurrentHashMap<>();
  private static final Map<Object, GrpcCall> BY_LISTENER = new ConcurrentHashMap<>();

  // The cancellation listener runs on the thread that cancels the call's context: abandoning
  // returns at once (the statements are cancelled on cancel threads), and the request is abandoned
  // the moment the server knows.
  private static final Executor DIRECT = Runnable::run;

  // The application's gRPC, by one of its API classes: whether it is a version we know.
  private static final ClassValue<Boolean> KNOWN =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return GrpcVersion.known(type);
        }
      };

  // The request-ID headers as gRPC metadata keys, for the settings they were derived from.
  private static volatile MetadataKeys keys = new MetadataKeys(null, List.of(), null);

  private GrpcCalls() {}

  /**
   * Whether the gRPC that {@code grpcApiClass} belongs to is a version sqlorigin knows; the first
   * time a version is met that it does not, one line says which, and its calls run untracked.
   */
  public static boolean knows(Class<?> grpcApiClass) {
    return KNOWN.get(grpcApiClass);
  }

  /**
   * The metadata keys the request ID is read from, in order: the configured header names that gRPC
   * metadata can carry as text, lower-cased as gRPC does.
   */
  public static List<String> requestIdKeys() {
    return keys().requestIdKeys;
  }

  /** The metadata key the request ID is echoed in (response headers or trailers), or null. */
  public static String responseKey() {
    return keys().responseKey;
  }

  /**
   * The outermost handler's {@code startCall} begins a call of {@code fullMethodName} that came
   * with {@code incomingRequestId} (null if none) and {@code deadlineNanos} left of the client's
   * deadline (negative: none), and for a trace the incoming W3C context (null unless {@link
   * RequestLifecycle#observed()}). Starts its request and binds it to this thread for the time of
   * {@code startCall} (interceptors run their code there, streaming stubs the application's
   * method); returns the binding for {@link #startCallReturned}, or null when sqlorigin stays out.
   */
  public static Binding startCall(
      Object serverCall,
      String fullMethodName,
      String incomingRequestId,
      long deadlineNanos,
      String traceparent,
      String tracestate) {
    if (serverCall == null || BY_SERVER_CALL.containsKey(serverCall)) {
      return null;
    }
    RequestStart start =
        RequestStart.rpc(Routes.rpc(fullMethodName))
            .requestId(incomingRequestId)
            .cancellationHandle(serverCall);
    if (deadlineNanos >= 0) {
      start.deadlineIn(deadlineNanos, AbandonReason.RPC_DEADLINE);
    }
    if (RequestLifecycle.observed()) {
      start.trace(fullMethodName, "http", traceparent, tracestate);
    }
    RequestContext context = RequestLifecycle.start(start);
    if (context == null) {
      return null;
    }
    BY_SERVER_CALL.put(serverCall, new GrpcCall(context, serverCall, deadlineNanos));
    return RequestLifecycle.bind(context);
  }

  /**
   * What the advice registers with the call's {@code Context}, behind a {@link
   * java.lang.reflect.Proxy} of gRPC's {@code Context.CancellationListener}: the call is abandoned
   * as soon as its context is cancelled. Null when {@code serverCall} is not a call we started.
   */
  public static InvocationHandler cancellationListener(Object serverCall) {
    GrpcCall call = BY_SERVER_CALL.get(serverCall);
    return call == null ? null : new GrpcCancellationListener(call);
  }

  /** The executor to register the cancellation listener with. */
  public static Executor cancellationExecutor() {
    return DIRECT;
  }

  /**
   * The outermost {@code startCall} returned {@code listener} (or threw {@code thrown}): the thread
   * lets go of the request, which from now on is bound around each of the listener's events.
   */
  public static void startCallReturned(
      Binding binding, Object serverCall, Object listener, Throwable thrown) {
    RequestLifecycle.suspend(binding);
    GrpcCall call = BY_SERVER_CALL.get(serverCall);
    if (call == null) {
      return;
    }
    if (thrown != null || listener == null) {
      // The server closes the call itself; no listener will hear of it.
      end(call, thrown);
      return;
    }
    call.listener = listener;
    BY_LISTENER.put(listener, call);
  }

  /**
   * An event of a call's listener begins on this thread: binds the call's request, over whatever
   * the thread was bound to. Null for listeners that are not a call's outermost (an interceptor's
   * delegate) or not ours: those run within the outermost one's event.
   */
  public static Binding enterListener(Object listener) {
    GrpcCall call = BY_LISTENER.get(listener);
    return call == null ? null : RequestLifecycle.bind(call.context);
  }

  /** Ends what {@link #enterListener} bound (null: nothing). */
  public static void exitListener(Binding binding) {
    if (binding != null) {
      RequestLifecycle.unbind(binding);
    }
  }

  /**
   * The server tells {@code listener} that its call was cancelled ({@code onCancel}): normally the
   * call's context said so at once already; this covers servers whose contexts are not cancellable.
   * Binds the call's request like any event.
   */
  public static Binding enterCancelled(Object listener) {
    GrpcCall call = BY_LISTENER.get(listener);
    if (call == null) {
      return null;
    }
    call.abandon();
    return RequestLifecycle.bind(call.context);
  }

  /**
   * The listener's last event ({@code onComplete} or {@code onCancel}) returned: the call has
   * ended.
   */
  public static void listenerDone(Object listener, Binding binding) {
    exitListener(binding);
    GrpcCall call = BY_LISTENER.get(listener);
    if (call != null) {
      end(call, null);
    }
  }

  /**
   * {@code serverCall} sends its response headers: the request ID to add to them (under {@link
   * #responseKey()}), or null.
   */
  public static String headersSent(Object serverCall) {
    GrpcCall call = BY_SERVER_CALL.get(serverCall);
    if (call == null || call.echoed) {
      return null;
    }
    call.echoed = true;
    return call.context.requestId();
  }

  /**
   * {@code serverCall} closes with the gRPC status {@code code}: the request ID to add to its
   * trailers when no headers went out before (a response of trailers only, as an error without
   * messages is), or null.
   */
  public static String closing(Object serverCall, int code) {
    GrpcCall call = BY_SERVER_CALL.get(serverCall);
    if (call == null) {
      return null;
    }
    call.status = code;
    if (call.echoed) {
      return null;
    }
    call.echoed = true;
    return call.context.requestId();
  }

  /** The call's context was cancelled (see {@link GrpcCancellationListener}). */
  static void contextCancelled(GrpcCall call, boolean withCause) {
    if (withCause) {
      call.abandon();
    } else if (!call.context.ended()) {
      // gRPC cancels a call's context without a cause once the call has completed normally.
      end(call, null);
    }
  }

  private static void end(GrpcCall call, Throwable thrown) {
    BY_SERVER_CALL.remove(call.serverCall);
    Object listener = call.listener;
    if (listener != null) {
      BY_LISTENER.remove(listener);
    }
    RequestLifecycle.complete(call.context, call.status, thrown);
  }

  private static MetadataKeys keys() {
    Config config = Config.current();
    MetadataKeys current = keys;
    if (current.config != config) {
      current = MetadataKeys.of(config);
      keys = current;
    }
    return current;
  }

  /** What is known of one call while it runs. */
  static final class GrpcCall {
    // A cancellation this close to the client's deadline is the deadline's: see abandon().
    private static final long MIN_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

    final RequestContext context;
    final Object serverCall;
    // System.nanoTime() of the client's deadline (0: it set none), and the time it had then.
    private final long deadlineNanos;
    private final long timeoutNanos;
    volatile Object listener;
    volatile boolean echoed;
    // The gRPC status code the call closed with; -1 until then (observers: unknown).
    volatile int status = -1;

    GrpcCall(RequestContext context, Object serverCall, long timeoutNanos) {
      this.context = context;
      this.serverCall = serverCall;
      this.timeoutNanos = Math.max(0, timeoutNanos);
      long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
      this.deadlineNanos = timeoutNanos >= 0 && deadline == 0 ? 1 : deadline;
    }

    /**
     * Abandons the call's request, if it is still being served, for the reason its cancellation
     * most likely had. When a gRPC client's deadline passes, its own timer cancels the call (an
     * HTTP/2 stream reset, which says nothing of why) a moment before the server's timer for the
     * same deadline would: the server learnt the deadline later, when the call's headers arrived.
     * So a cancellation that comes within a tenth of the call's time (20 ms at least, 1 s at most)
     * of its deadline is the deadline's.
     */
    void abandon() {
      RequestLifecycle.cancelled(
          serverCall,
          deadlinePassed(System.nanoTime())
              ? AbandonReason.RPC_DEADLINE
              : AbandonReason.RPC_CANCELLED);
    }

    boolean deadlinePassed(long now) {
      if (deadlineNanos == 0) {
        return false;
      }
      long slack = Math.min(Math.max(timeoutNanos / 10, MIN_SLACK_NANOS), MAX_SLACK_NANOS);
      return now - (deadlineNanos - slack) >= 0;
    }
  }

  /** The request-ID headers of one configuration, as gRPC metadata keys. */
  private static final class MetadataKeys {
    final Config config;
    final List<String> requestIdKeys;
    final String responseKey;

    MetadataKeys(Config config, List<String> requestIdKeys, String responseKey) {
      this.config = config;
      this.requestIdKeys = requestIdKeys;
      this.responseKey = responseKey;
    }

    static MetadataKeys of(Config config) {
      List<String> names = new ArrayList<>();
      for (String header : config.requestIdHeaders()) {
        String key = header.toLowerCase(Locale.ROOT);
        // gRPC's key syntax; a -bin key carries bytes, not text.
        if (key.matches("[0-9a-z_.-]+") && !key.endsWith("-bin")) {
          names.add(key);
        } else {
          AgentLog.warnOnce(
              "grpc-key:" + header,
              Config.REQUEST_ID_HEADERS
                  + ": "
                  + header
                  + " cannot be a gRPC metadata key (text keys are letters, digits and - _ ., not"
                  + " ending in -bin); gRPC calls do not read it",
              null);
        }
      }
      return new MetadataKeys(
          config, Collections.unmodifiableList(names), names.isEmpty() ? null : names.get(0));
    }
  }
}
