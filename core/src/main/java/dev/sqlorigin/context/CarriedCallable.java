package dev.sqlorigin.context;

import java.util.concurrent.Callable;

/** The {@link Callable} twin of {@link CarriedRunnable}. */
final class CarriedCallable<T> implements Callable<T> {

  private final RequestContext context;
  private final Callable<T> task;

  CarriedCallable(RequestContext context, Callable<T> task) {
    this.context = context;
    this.task = task;
  }

  @Override
  public T call() throws Exception {
    Binding binding = CurrentRequest.enter(context);
    try {
      return task.call();
    } finally {
      CurrentRequest.exit(binding);
    }
  }

  @Override
  public String toString() {
    return task.toString();
  }
}
