package dev.sqlorigin.grpc;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.cancel.AbandonReason;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
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
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The entry points of the gRPC server advice: a call is a request from its handler's {@code
 * startCall} until its listener hears that it completed or was cancelled. Core cannot see gRPC's
 * types (it sits on the bootstrap class path), so the calls and listeners are plain objects here,
 * and what needs gRPC's API (metadata, the call's {@code Context}) is read by the advice.
 *
 * <p>A call is known by two objects: the {@code ServerCall} that the server passed to the outermost
 * handler (the response headers go out through it), and the listener that handler returned (the
 * server delivers every later event of the call to it, on its executor's threads). Each call's
 * entries are removed when it ends, so nothing here outlives a call.
 */
public final class GrpcCalls {

  // Neither gRPC's ServerCallImpl nor the listeners of its stubs and interceptors override equals:
  // these maps are keyed by identity.
  private static final Map<Object, GrpcCall> BY_SERVER_CALL = new ConcurrentHashMap<>();
  private static final Map<Object, GrpcCall> BY_LISTENER = new ConcurrentHashMap<>();

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
   * deadline (negative: none). Starts its request and binds it to this thread for the time of
   * {@code startCall} (interceptors run their code there, streaming stubs the application's
   * method); returns the binding for {@link #startCallReturned}, or null when sqlorigin stays out.
   */
  public static Binding startCall(
      Object serverCall, String fullMethodName, String incomingRequestId, long deadlineNanos) {
    if (serverCall == null || BY_SERVER_CALL.containsKey(serverCall)) {
      return null;
    }
    RequestContext context = Sqlorigin.startRequest(Routes.rpc(fullMethodName), incomingRequestId);
    if (context == null) {
      return null;
    }
    GrpcCall call = new GrpcCall(context, serverCall, deadlineNanos);
    BY_SERVER_CALL.put(serverCall, call);
    return CurrentRequest.enter(context);
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

  /**
   * Where the cancellation listener runs: never on the thread that cancels the context. That may be
   * a transport's event loop (the server's deadline timer runs there), and cancelling a statement
   * is a round trip to the database that must not hold it.
   */
  public static Executor cancellationExecutor() {
    return CancellationThreads.EXECUTOR;
  }

  /**
   * The outermost {@code startCall} returned {@code listener} (or threw {@code thrown}): the thread
   * lets go of the request, which from now on is bound around each of the listener's events.
   */
  public static void startCallReturned(
      Binding binding, Object serverCall, Object listener, Throwable thrown) {
    CurrentRequest.exit(binding);
    GrpcCall call = BY_SERVER_CALL.get(serverCall);
    if (call == null) {
      return;
    }
    if (thrown != null || listener == null) {
      // The server closes the call itself; no listener will hear of it.
      end(call);
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
    return call == null ? null : CurrentRequest.enter(call.context);
  }

  /** Ends what {@link #enterListener} bound (null: nothing). */
  public static void exitListener(Binding binding) {
    if (binding != null) {
      CurrentRequest.exit(binding);
    }
  }

  /**
   * The server tells {@code listener} that its call was cancelled ({@code onCancel}): normally the
   * call's context said so at once already; this covers servers whose contexts cannot be cancelled.
   * Binds the call's request like any event.
   */
  public static Binding enterCancelled(Object listener) {
    GrpcCall call = BY_LISTENER.get(listener);
    if (call == null) {
      return null;
    }
    call.abandon();
    return CurrentRequest.enter(call.context);
  }

  /**
   * The listener's last event ({@code onComplete} or {@code onCancel}) returned: the call has
   * ended.
   */
  public static void listenerDone(Object listener, Binding binding) {
    exitListener(binding);
    GrpcCall call = BY_LISTENER.get(listener);
    if (call != null) {
      end(call);
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
   * {@code serverCall} closes: the request ID to add to its trailers when no headers went out
   * before (a response of trailers only, as an error without messages is), or null.
   */
  public static String closing(Object serverCall) {
    GrpcCall call = BY_SERVER_CALL.remove(serverCall);
    return call == null || call.echoed ? null : call.context.requestId();
  }

  /** The call's context was cancelled (see {@link GrpcCancellationListener}). */
  static void contextCancelled(GrpcCall call, boolean withCause) {
    if (call.context.hasEnded()) {
      return;
    }
    if (withCause) {
      call.abandon();
    } else {
      // gRPC cancels a call's context without a cause once the call has completed normally.
      end(call);
    }
  }

  private static void end(GrpcCall call) {
    BY_SERVER_CALL.remove(call.serverCall);
    Object listener = call.listener;
    if (listener != null) {
      BY_LISTENER.remove(listener);
    }
    Sqlorigin.finishRequest(call.context, 0, null);
  }

  private static MetadataKeys keys() {
    Config config = Sqlorigin.config();
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

    GrpcCall(RequestContext context, Object serverCall, long timeoutNanos) {
      this.context = context;
      this.serverCall = serverCall;
      this.timeoutNanos = Math.max(0, timeoutNanos);
      long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
      this.deadlineNanos = timeoutNanos >= 0 && deadline == 0 ? 1 : deadline;
    }

    /**
     * Abandons the call's request, for the reason its cancellation most likely had. When a gRPC
     * client's deadline passes, its own timer cancels the call (an HTTP/2 stream reset, which says
     * nothing of why) a moment before the server's timer for the same deadline would: the server
     * learnt the deadline later, when the call's headers arrived. So a cancellation that comes
     * within a tenth of the call's time (20 ms at least, 1 s at most) of its deadline is the
     * deadline's.
     */
    void abandon() {
      context.abandon(
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

  /**
   * Daemon threads that run the cancellation listeners, as many as cancellations happen at once
   * (each is a database round trip, rarely more than a few at a time); idle ones end.
   */
  private static final class CancellationThreads {
    static final Executor EXECUTOR;

    static {
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              10,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              task -> {
                Thread thread = new Thread(task, "sqlorigin-grpc-cancel");
                thread.setDaemon(true);
                return thread;
              });
      EXECUTOR = executor;
    }
  }
}
