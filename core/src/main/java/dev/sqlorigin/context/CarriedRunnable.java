package dev.sqlorigin.context;

/**
 * A task submitted during a request, run on another thread bound to that request; the thread's
 * previous binding (normally none) is restored afterwards, so nothing leaks into the next task of a
 * pooled thread.
 */
class CarriedRunnable implements Runnable {

  private final RequestContext context;
  private final Runnable task;

  CarriedRunnable(RequestContext context, Runnable task) {
    this.context = context;
    this.task = task;
  }

  @Override
  public void run() {
    Binding binding = CurrentRequest.enter(context);
    try {
      task.run();
    } finally {
      CurrentRequest.exit(binding);
    }
  }

  /** The task's own: what a queue dump or a rejection message shows. */
  @Override
  public String toString() {
    return task.toString();
  }
}
