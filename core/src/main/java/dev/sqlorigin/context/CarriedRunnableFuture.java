package dev.sqlorigin.context;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A carried {@code FutureTask}: still a Future, answering for the task it wraps. */
final class CarriedRunnableFuture<V> extends CarriedRunnable implements RunnableFuture<V> {

  private final RunnableFuture<V> future;

  @SuppressWarnings("unchecked")
  CarriedRunnableFuture(RequestContext context, RunnableFuture<?> future) {
    super(context, future);
    this.future = (RunnableFuture<V>) future;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return future.cancel(mayInterruptIfRunning);
  }

  @Override
  public boolean isCancelled() {
    return future.isCancelled();
  }

  @Override
  public boolean isDone() {
    return future.isDone();
  }

  @Override
  public V get() throws InterruptedException, ExecutionException {
    return future.get();
  }

  @Override
  public V get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.get(timeout, unit);
  }
}
