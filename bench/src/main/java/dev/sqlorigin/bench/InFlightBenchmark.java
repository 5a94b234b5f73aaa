package dev.sqlorigin.bench;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import java.util.Map;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cancellation bookkeeping the execute advice adds around every statement of a request: {@link
 * RequestLifecycle#statementStarted} (the abandonment and deadline check, registering the
 * statement, counting it in) and {@link RequestLifecycle#statementEnded}. {@code nested} is a pool
 * proxy's call followed by its driver's, where the inner one only moves the thread's depth counter.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InFlightBenchmark {

  @Param({"plain", "with-deadline", "nested"})
  public String mode;

  private Binding binding;
  private final Object proxy = new Object();
  private final Object driver = new Object();

  @Setup
  public void setUp() {
    long deadline =
        mode.equals("with-deadline") ? System.nanoTime() + TimeUnit.HOURS.toNanos(1) : 0;
    binding =
        RequestLifecycle.bind(
            new RequestContext(
                Config.load(Map.of(), Map.of()),
                "GET /api/owners/{id}",
                "id",
                System.nanoTime(),
                deadline,
                AbandonReason.DEADLINE,
                null,
                null));
  }

  @Benchmark
  public String startAndEnd() {
    String refusal = RequestLifecycle.statementStarted(binding, proxy, null);
    if (mode.equals("nested")) {
      RequestLifecycle.statementStarted(binding, driver, null);
      RequestLifecycle.statementEnded(binding, driver, null);
    }
    RequestLifecycle.statementEnded(binding, proxy, null);
    return refusal;
  }
}
