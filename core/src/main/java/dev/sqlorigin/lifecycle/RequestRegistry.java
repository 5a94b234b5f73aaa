package dev.sqlorigin.lifecycle;

import dev.sqlorigin.context.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request being served, from its start to its end, for the watchdog, the shutdown hook and
 * the operator; and the requests whose source reports its own cancellations, by the handle it
 * reports them through.
 */
public final class RequestRegistry {

  private static final Set<RequestContext> REQUESTS = ConcurrentHashMap.newKeySet();
  private static final Map<Handle, RequestContext> BY_HANDLE = new ConcurrentHashMap<>();

  private RequestRegistry() {}

  static void add(RequestContext context) {
    REQUESTS.add(context);
    if (context.cancellationHandle() != null) {
      BY_HANDLE.put(new Handle(context.cancellationHandle()), context);
    }
  }

  static void remove(RequestContext context) {
    REQUESTS.remove(context);
    if (context.cancellationHandle() != null) {
      BY_HANDLE.remove(new Handle(context.cancellationHandle()), context);
    }
  }

  /** The request registered under {@code handle}, or null. */
  static RequestContext byHandle(Object handle) {
    return handle == null ? null : BY_HANDLE.get(new Handle(handle));
  }

  /** A snapshot of the requests being served. */
  public static List<RequestContext> snapshot() {
    return new ArrayList<>(REQUESTS);
  }

  public static int size() {
    return REQUESTS.size();
  }

  /** A handle by identity: a framework's object may define equality of its own. */
  private static final class Handle {
    private final Object object;

    Handle(Object object) {
      this.object = object;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Handle && ((Handle) other).object == object;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(object);
    }
  }
}
