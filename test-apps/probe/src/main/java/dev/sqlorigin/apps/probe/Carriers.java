package dev.sqlorigin.apps.probe;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ways an application hands a request's work to other threads, for the propagation tests. Each
 * runs {@code work} elsewhere and waits for it; the answer names the thread it ran on.
 */
public final class Carriers {

  // One thread: a task of a request and the next, unrelated, task run on the same thread.
  private final ExecutorService single = Executors.newFixedThreadPool(1, named("carried"));
  private final ForkJoinPool forkJoin = new ForkJoinPool(2);
  // Submits tasks from a thread that never served a request, as a scheduler or a queue consumer
  // would.
  private final BlockingQueue<Runnable> unrelated = new LinkedBlockingQueue<>();

  public Carriers() {
    Thread submitter =
        named("submitter")
            .newThread(
                () -> {
                  while (true) {
                    try {
                      unrelated.take().run();
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    submitter.start();
  }

  /**
   * Runs {@code work} by {@code mechanism}; returns {@code carrier=<thread>} and the work's answer.
   */
  public String run(String mechanism, Callable<String> work) throws Exception {
    Callable<String> named =
        () -> "carrier=" + Thread.currentThread().getName() + "\n" + work.call();
    switch (mechanism) {
      case "executor":
        return unwrap(() -> single.submit(named).get());
      case "completable-future":
        return unwrap(
            () ->
                CompletableFuture.supplyAsync(
                        () -> {
                          try {
                            return named.call();
                          } catch (Exception e) {
                            throw new CompletionException(e);
                          }
                        })
                    .join());
      case "fork-join":
        return unwrap(() -> forkJoin.submit(named).get());
      case "virtual-thread":
        return virtualThread(named);
      case "background":
        // On a thread outside any request, as a scheduled job or a queue consumer runs.
        FutureTask<String> job = new FutureTask<>(named);
        unrelated.put(job);
        return unwrap(job::get);
      case "unrelated":
        // Submitted to the same one-thread pool, by a thread outside any request.
        FutureTask<String> submitted = new FutureTask<>(() -> single.submit(named).get());
        unrelated.put(submitted);
        return unwrap(submitted::get);
      default:
        throw new IllegalArgumentException("unknown mechanism " + mechanism);
    }
  }

  /**
   * Executors.newVirtualThreadPerTaskExecutor(), where the JDK has it (21+); this code targets 17.
   */
  private static String virtualThread(Callable<String> work) throws Exception {
    ExecutorService virtual;
    try {
      virtual =
          (ExecutorService)
              Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException e) {
      return "unsupported=virtual threads need JDK 21, this is "
          + Runtime.version().feature()
          + "\n";
    }
    try {
      return unwrap(() -> virtual.submit(work).get());
    } finally {
      virtual.shutdown();
    }
  }

  private interface Wait {
    String get() throws Exception;
  }

  private static String unwrap(Wait wait) throws Exception {
    try {
      return wait.get();
    } catch (ExecutionException | CompletionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
