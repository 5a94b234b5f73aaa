package dev.sqlorigin.bench;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CarriedTasks;
import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What carrying a request to another thread adds per task submitted to a JDK executor: the capture
 * where the task enters ({@link CarriedTasks#carry}, the executor advice's whole work) and, when a
 * request is bound, the wrapper's bind and restore around the task's run. The executor's own
 * hand-off is not measured (it is the same with and without the agent, and far noisier).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CarryBenchmark {

  /**
   * {@code outside-request}: no request bound, the task is returned as it is (what every task of a
   * batch job or a pool's housekeeping pays); {@code runnable}: a request bound, a lambda is
   * wrapped and run; {@code future}: the same for the {@code FutureTask} that {@code submit} makes.
   */
  @Param({"outside-request", "runnable", "future"})
  public String mode;

  private final Runnable task = () -> {};
  private Binding binding;

  @Setup
  public void setUp() {
    if (!mode.equals("outside-request")) {
      binding =
          CurrentRequest.enter(
              new RequestContext(
                  Config.load(Map.of(), Map.of()),
                  "GET /api/owners/{id}",
                  "id",
                  System.nanoTime(),
                  0,
                  AbandonReason.DEADLINE,
                  null,
                  null));
    }
  }

  @TearDown
  public void tearDown() {
    if (binding != null) {
      CurrentRequest.exit(binding);
    }
  }

  @Benchmark
  public Runnable carryAndRun() {
    Runnable submitted = mode.equals("future") ? new FutureTask<Void>(task, null) : task;
    Runnable carried = CarriedTasks.carry(submitted);
    carried.run();
    return carried;
  }
}
