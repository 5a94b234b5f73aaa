package dev.sqlorigin.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CarriedTasksTest {

  private Binding bound;

  @AfterEach
  void unbind() {
    if (bound != null) {
      CurrentRequest.exit(bound);
    }
  }

  static RequestContext request() {
    return new RequestContext(
        Config.defaults(),
        "GET /x",
        RequestIds.generate(),
        System.nanoTime(),
        0,
        AbandonReason.DEADLINE,
        null,
        null);
  }

  @Test
  void outsideARequestTasksAreLeftAsTheyAre() {
    Runnable runnable = () -> {};
    Callable<String> callable = () -> "x";
    assertSame(runnable, CarriedTasks.carry(runnable));
    assertSame(callable, CarriedTasks.carry(callable));
  }

  @Test
  void aCarriedTaskRunsBoundToTheRequestAndRestoresWhatTheThreadHad() throws Exception {
    RequestContext request = request();
    Binding binding = CurrentRequest.enter(request);
    AtomicReference<RequestContext> seen = new AtomicReference<>();
    Runnable carried = CarriedTasks.carry(() -> seen.set(CurrentRequest.get()));
    Callable<RequestContext> called = CarriedTasks.carry(CurrentRequest::get);
    CurrentRequest.exit(binding);

    carried.run();
    assertSame(request, seen.get());
    assertSame(request, called.call());
    assertNull(CurrentRequest.binding(), "nothing may stay on the thread after the task");

    RequestContext other = request();
    bound = CurrentRequest.enter(other);
    carried.run();
    assertSame(request, seen.get());
    assertSame(other, CurrentRequest.get(), "the thread's own request comes back after the task");
  }

  @Test
  void tasksThatAPoolSubmitsFromInsideAJdbcCallCarryNothing() {
    Binding binding = bound = CurrentRequest.enter(request());
    Runnable housekeeping = () -> {};
    binding.enterConnect();
    assertSame(housekeeping, CarriedTasks.carry(housekeeping), "submitted from getConnection");
    binding.exitConnect();
    binding.enterStatement();
    assertSame(housekeeping, CarriedTasks.carry(housekeeping), "submitted from a statement");
    binding.enterCleanup();
    assertSame(housekeeping, CarriedTasks.carry(housekeeping), "submitted from close");
  }

  @Test
  void aSubmittedFutureStaysAFutureAndIsWrappedOnce() {
    bound = CurrentRequest.enter(request());
    FutureTask<String> task = new FutureTask<>(() -> "done");
    Runnable carried = CarriedTasks.carry(task);
    assertTrue(carried instanceof Future);
    assertSame(carried, CarriedTasks.carry(carried));
    ((Future<?>) carried).cancel(false);
    assertTrue(task.isCancelled(), "cancelling the wrapper cancels the task");
    assertEquals(task.toString(), carried.toString());
  }

  @Test
  void forkJoinTasksThatOthersMayJoinAreNotWrapped() {
    bound = CurrentRequest.enter(request());
    class Action extends RecursiveAction implements Runnable {
      @Override
      protected void compute() {}

      @Override
      public void run() {}
    }
    Action action = new Action();
    assertSame(action, CarriedTasks.carryToForkJoinPool(action));
    Runnable plain = () -> {};
    assertFalse(plain == CarriedTasks.carryToForkJoinPool(plain));
  }
}
