package dev.sqlorigin.context;

/**
 * The request the current thread is serving. Bound by the outermost servlet call and removed in
 * its {@code finally}, so nothing stays on a pooled thread after the request (and nothing pins a
 * web application's class loader: this class lives on the bootstrap class path).
 */
public final class CurrentRequest {

  private static final ThreadLocal<RequestContext> CURRENT = new ThreadLocal<>();

  private CurrentRequest() {
  }

  public static RequestContext get() {
    return CURRENT.get();
  }

  public static void bind(RequestContext context) {
    CURRENT.set(context);
  }

  /** Ends the request on this thread; {@code remove()} rather than {@code set(null)} leaves no entry. */
  public static void unbind() {
    CURRENT.remove();
  }
}
