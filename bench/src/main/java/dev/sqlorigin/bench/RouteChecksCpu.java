package dev.sqlorigin.bench;

import dev.sqlorigin.control.RouteControls;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * {@link RouteControlsBenchmark}'s checks timed by the thread's CPU time rather than the wall
 * clock: on a host whose load keeps the benchmark's thread waiting for a core, JMH's times grow
 * with the wait; CPU time does not. Ten rounds of five million checks per case, after a warm-up.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.sqlorigin.bench.RouteChecksCpu
 * </pre>
 */
public final class RouteChecksCpu {

  private static final int CHECKS = 5_000_000;

  private RouteChecksCpu() {}

  public static void main(String[] args) {
    RouteControls controls = RouteControls.get();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int rules : new int[] {0, 50}) {
      RouteControlsBenchmark.configure(controls, rules);
      for (String route : new String[] {"GET /api/owners/{id}", "POST /api/imports/{id}"}) {
        int sink = 0;
        for (int i = 0; i < 4 * CHECKS; i++) { // warm-up: compiled before it is timed
          sink += RouteControlsBenchmark.check(controls, route) == null ? 1 : 0;
        }
        double[] rounds = new double[10];
        for (int round = 0; round < rounds.length; round++) {
          long cpu = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < CHECKS; i++) {
            sink += RouteControlsBenchmark.check(controls, route) == null ? 1 : 0;
          }
          rounds[round] = (threads.getCurrentThreadCpuTime() - cpu) / (double) CHECKS;
        }
        java.util.Arrays.sort(rounds);
        System.out.printf(
            Locale.ROOT,
            "%2d rules, %-24s median %6.1f ns of CPU per check (range %.1f-%.1f)%s%n",
            rules,
            route,
            (rounds[4] + rounds[5]) / 2,
            rounds[0],
            rounds[rounds.length - 1],
            sink == 0 ? " (all refused?)" : "");
      }
    }
  }
}
