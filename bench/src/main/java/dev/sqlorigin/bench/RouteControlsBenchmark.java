package dev.sqlorigin.bench;

import dev.sqlorigin.control.Limit;
import dev.sqlorigin.control.Refusal;
import dev.sqlorigin.control.RouteControls;
import dev.sqlorigin.control.RouteRules;
import java.util.Collections;
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
 * What the route blocks and concurrency caps add when a request starts: the check a request makes
 * ({@link RouteControls#refuseIfBlocked}, then its cap) with nothing configured, and with 50 rules
 * (25 blocks, 25 caps; 20 of each written for exact routes, 5 with {@code *}). {@code free}: a
 * route no rule covers, the common case; {@code capped}: a route under a cap, which takes and gives
 * back a slot.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteControlsBenchmark {

  @Param({"0", "50"})
  public int rules;

  // Fields, so that the JIT cannot fold them.
  private String free = "GET /api/owners/{id}";
  private String capped = "POST /api/imports/{id}";

  private final RouteControls controls = RouteControls.get();

  @Setup
  public void configure() {
    configure(controls, rules);
  }

  /** No rule, or the 50 described above. */
  static void configure(RouteControls controls, int rules) {
    if (rules == 0) {
      controls.settings(Collections.emptySet(), Collections.emptyMap(), 0);
      return;
    }
    StringBuilder blocks = new StringBuilder();
    StringBuilder caps = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      blocks.append(i == 0 ? "" : ",").append("POST /api/blocked-").append(i);
      caps.append(i == 0 ? "" : ",").append("GET /api/reports-").append(i).append("/{id}=4");
    }
    for (int i = 0; i < 5; i++) {
      blocks.append(",GET /internal-").append(i).append("/*");
      caps.append(",")
          .append(i == 4 ? "POST /api/imports/*" : "GET /exports-" + i + "/*")
          .append("=1000");
    }
    controls.settings(
        RouteRules.parsePatterns(blocks.toString()), RouteRules.parseLimits(caps.toString()), 0);
  }

  /** What a request start runs for its route: null to go ahead. */
  static Refusal check(RouteControls controls, String route) {
    Refusal refusal = controls.refuseIfBlocked(route);
    if (refusal != null) {
      return refusal;
    }
    Limit limit = controls.limitFor(route);
    if (limit == null) {
      return null;
    }
    refusal = controls.admit(route, limit);
    if (refusal == null) {
      limit.release(); // the request's end, folded in so that slots do not run out
    }
    return refusal;
  }

  @Benchmark
  public Refusal free() {
    return check(controls, free);
  }

  @Benchmark
  public Refusal capped() {
    return check(controls, capped);
  }
}
