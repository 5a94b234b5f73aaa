package dev.sqlorigin.context;

/**
 * The request the current thread is working for. Bound by a request source for the time a thread
 * serves the request (see {@code RequestLifecycle}), or for the time of a task carried from a
 * request's thread, and removed (or the previous binding restored) in their {@code finally}:
 * nothing stays on a pooled thread after the work, and nothing pins a web application's class
 * loader (this class lives on the bootstrap class path).
 */
public final class CurrentRequest {

  private static final ThreadLocal<Binding> CURRENT = new ThreadLocal<>();

  private CurrentRequest() {}

  public static RequestContext get() {
    Binding binding = CURRENT.get();
    return binding == null ? null : binding.context();
  }

  /** This thread's binding, with its nesting counters; null outside any request. */
  public static Binding binding() {
    return CURRENT.get();
  }

  /**
   * Binds {@code context} on top of whatever this thread is bound to (a carried task, a job);
   * {@link #exit} with the result restores that.
   */
  public static Binding enter(RequestContext context) {
    Binding binding = new Binding(context, CURRENT.get());
    CURRENT.set(binding);
    return binding;
  }

  /** Restores the binding that {@code binding} covered (or none). */
  public static void exit(Binding binding) {
    Binding previous = binding.previous();
    if (previous == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(previous);
    }
  }
}
