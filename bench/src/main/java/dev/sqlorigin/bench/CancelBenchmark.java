package dev.sqlorigin.bench;

import dev.sqlorigin.cancel.Cancels;
import dev.sqlorigin.cancel.StatementCanceller;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;
import dev.sqlorigin.log.AgentLog;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * What moving cancels off the watchdog's thread costs, per abandoned request with one statement in
 * flight: a request is started, its statement registered, the request abandoned, the statement
 * cancelled (by a driver whose cancel returns at once: the driver's own time is not sqlorigin's)
 * and ended, the request ended.
 *
 * <ul>
 *   <li>{@code on-this-thread}: the cancel called on the abandoning thread, as the watchdog did
 *       before: the baseline, and what a hung cancel used to block.
 *   <li>{@code handed-off}: {@link RequestLifecycle#abandon}, which returns once the cancel is
 *       queued for a cancel thread, then waiting until that thread has called the driver: the
 *       difference with the baseline is what the hand-off adds to each cancel.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CancelBenchmark {

  @Param({"on-this-thread", "handed-off"})
  public String mode;

  private final Object statement = new Object();
  private final AtomicLong cancels = new AtomicLong();
  private final StatementCanceller canceller =
      new StatementCanceller() {
        @Override
        public String database(Object statement) {
          return "bench";
        }

        @Override
        public void cancel(Object statement) {
          cancels.incrementAndGet();
        }

        @Override
        public void abort(Object statement) {}

        @Override
        public boolean wasCancelled(Throwable thrown) {
          return true;
        }
      };

  @Setup(Level.Trial)
  public void setUp() {
    Config.install(Config.defaults());
    Cancels.install(canceller);
    // One line per abandonment would measure the console.
    AgentLog.install(
        new AgentLog.Sink() {
          @Override
          public void info(String message) {}

          @Override
          public void warn(String message, Throwable cause) {}

          @Override
          public void debug(String message) {}
        });
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Cancels.install(null);
    AgentLog.install(null);
  }

  @Benchmark
  public long abandonOneStatement() throws Exception {
    RequestContext context =
        RequestLifecycle.start(RequestStart.http("GET", "GET /api/imports/{id}"));
    Binding binding = RequestLifecycle.bind(context);
    RequestLifecycle.statementStarted(binding, statement, null);
    long before = cancels.get();
    if (mode.equals("on-this-thread")) {
      context.abandon(AbandonReason.OPERATOR, System.nanoTime(), abandonment -> {});
      canceller.cancel(statement);
    } else {
      RequestLifecycle.abandon(context, AbandonReason.OPERATOR);
      while (cancels.get() == before) {
        Thread.onSpinWait();
      }
    }
    RequestLifecycle.statementEnded(binding, statement, null);
    RequestLifecycle.end(binding, 0, null);
    return before;
  }
}
