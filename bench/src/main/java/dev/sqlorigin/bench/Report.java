package dev.sqlorigin.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The runs of a harness invocation and their summary as Markdown: every run, the median of each
 * configuration, and each configuration against the baseline.
 *
 * <p>Against the baseline, each value is the median over rounds of the ratio (or difference) of the
 * two runs of the same round, with its range: runs of one round ran minutes apart at most, so
 * pairing them cancels slow drift of a shared machine, and the range shows how much noise there is.
 */
final class Report {

  /** The configuration the others are compared with unless the command names another. */
  static final String BASELINE = "no-agent";

  /**
   * One run of one configuration. CPU per request is of the app's JVM and of the PostgreSQL server
   * (NaN when it cannot be seen); of the app's, {@code jitCpuMicrosPerRequest} is its JIT compiler
   * threads' (NaN where there is no /proc): a JIT still compiling after the warm-up is counted over
   * the measured requests, and this column shows how much of a difference that is. {@code
   * sqlComment} is what pg_stat_activity showed, or "?".
   */
  record Run(
      int round,
      String config,
      long ok,
      long errors,
      long echoedRequestIds,
      double throughput,
      double p50Millis,
      double p99Millis,
      double cpuMicrosPerRequest,
      double jitCpuMicrosPerRequest,
      double dbCpuMicrosPerRequest,
      long startupMillis,
      long rssKib,
      long liveKib,
      String sqlComment) {

    /** The app's CPU per request without its JIT compiler threads'. */
    double cpuMicrosPerRequestWithoutJit() {
      return cpuMicrosPerRequest - jitCpuMicrosPerRequest;
    }

    double rssMib() {
      return rssKib < 0 ? Double.NaN : rssKib / 1024.0;
    }

    /** Heap used after a full collection plus metaspace used; NaN where it could not be read. */
    double liveMib() {
      return liveKib < 0 ? Double.NaN : liveKib / 1024.0;
    }
  }

  private final String settings;
  private final List<String> configs;
  private final List<Run> runs;
  private final String baseline;

  Report(String settings, List<String> configs, List<Run> runs, String baseline) {
    this.settings = settings;
    this.configs = List.copyOf(configs);
    this.runs = List.copyOf(runs);
    this.baseline = baseline;
  }

  List<Run> runs() {
    return runs;
  }

  List<Run> runs(String config) {
    return runs.stream().filter(run -> run.config().equals(config)).collect(Collectors.toList());
  }

  boolean hasErrors() {
    return runs.stream().anyMatch(run -> run.errors() > 0);
  }

  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("Settings: ").append(settings).append("\n\n");

    out.append("### Medians per configuration\n\n");
    out.append(
        "| configuration | runs | throughput (req/s) | p50 (ms) | p99 (ms) | app CPU (us/req) "
            + "| of which JIT (us/req) | DB CPU (us/req) | errors (all runs) | start-up (ms) "
            + "| RSS (MiB) | live set (MiB) | SQL comment |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (String config : configs) {
      List<Run> mine = runs(config);
      if (mine.isEmpty()) {
        continue;
      }
      out.append(
          row(
              "| %s | %d | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f | %d | %.0f | %.0f | %.1f | %s |%n",
              config,
              mine.size(),
              median(mine, Run::throughput),
              median(mine, Run::p50Millis),
              median(mine, Run::p99Millis),
              median(mine, Run::cpuMicrosPerRequest),
              median(mine, Run::jitCpuMicrosPerRequest),
              median(mine, Run::dbCpuMicrosPerRequest),
              mine.stream().mapToLong(Run::errors).sum(),
              median(mine, run -> run.startupMillis()),
              median(mine, Run::rssMib),
              median(mine, Run::liveMib),
              mine.stream().map(Run::sqlComment).distinct().collect(Collectors.joining(", "))));
    }

    if (configs.contains(baseline) && configs.size() > 1) {
      out.append("\n### Against ")
          .append(baseline)
          .append(" (median of per-round ratios or differences, range in brackets)\n\n");
      out.append(
          "| configuration | throughput ratio | p50 ratio | p99 ratio | app CPU/req ratio "
              + "| app CPU/req ratio without JIT | DB CPU/req ratio | start-up delta (ms) "
              + "| RSS delta (MiB) | live set delta (MiB) |\n");
      out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (String config : configs) {
        if (config.equals(baseline) || runs(config).isEmpty()) {
          continue;
        }
        out.append("| ")
            .append(config)
            .append(" | ")
            .append(paired(config, Run::throughput, true, "%.3f"))
            .append(" | ")
            .append(paired(config, Run::p50Millis, true, "%.3f"))
            .append(" | ")
            .append(paired(config, Run::p99Millis, true, "%.3f"))
            .append(" | ")
            .append(paired(config, Run::cpuMicrosPerRequest, true, "%.3f"))
            .append(" | ")
            .append(paired(config, Run::cpuMicrosPerRequestWithoutJit, true, "%.3f"))
            .append(" | ")
            .append(paired(config, Run::dbCpuMicrosPerRequest, true, "%.3f"))
            .append(" | ")
            .append(paired(config, run -> run.startupMillis(), false, "%+.0f"))
            .append(" | ")
            .append(paired(config, Run::rssMib, false, "%+.0f"))
            .append(" | ")
            .append(paired(config, Run::liveMib, false, "%+.1f"))
            .append(" |\n");
      }
    }

    out.append("\n### All runs, in the order they ran\n\n");
    out.append(
        "| round | configuration | requests | errors | throughput (req/s) | p50 (ms) | p99 (ms) "
            + "| app CPU (us/req) | of which JIT (us/req) | DB CPU (us/req) | start-up (ms) "
            + "| RSS (MiB) | live set (MiB) | X-Request-Id echoed | SQL comment |\n");
    out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Run run : runs) {
      out.append(
          row(
              "| %d | %s | %d | %d | %.0f | %.2f | %.2f | %.0f | %.0f | %.0f | %d | %.0f | %.1f | %d | %s |%n",
              run.round(),
              run.config(),
              run.ok() + run.errors(),
              run.errors(),
              run.throughput(),
              run.p50Millis(),
              run.p99Millis(),
              run.cpuMicrosPerRequest(),
              run.jitCpuMicrosPerRequest(),
              run.dbCpuMicrosPerRequest(),
              run.startupMillis(),
              run.rssMib(),
              run.liveMib(),
              run.echoedRequestIds(),
              run.sqlComment()));
    }
    return out.toString();
  }

  /** A table row; a value that could not be measured (NaN) shows as n/a. */
  private static String row(String format, Object... values) {
    return String.format(Locale.ROOT, format, values).replace("NaN", "n/a");
  }

  /** Per round, {@code config} against the baseline (a ratio or a difference); median and range. */
  private String paired(String config, ToDoubleFunction<Run> value, boolean ratio, String format) {
    Map<Integer, Run> baselineRuns = byRound(baseline);
    List<Double> values = new ArrayList<>();
    for (Run run : runs(config)) {
      Run base = baselineRuns.get(run.round());
      if (base == null) {
        continue;
      }
      double a = value.applyAsDouble(run);
      double b = value.applyAsDouble(base);
      values.add(ratio ? a / b : a - b);
    }
    values.removeIf(v -> v.isNaN() || v.isInfinite());
    if (values.isEmpty()) {
      return "n/a";
    }
    Collections.sort(values);
    String median = String.format(Locale.ROOT, format, median(values));
    if (values.size() == 1) {
      return median;
    }
    return median
        + " ["
        + String.format(Locale.ROOT, format, values.get(0))
        + " .. "
        + String.format(Locale.ROOT, format, values.get(values.size() - 1))
        + "]";
  }

  private Map<Integer, Run> byRound(String config) {
    Map<Integer, Run> result = new TreeMap<>();
    for (Run run : runs(config)) {
      result.put(run.round(), run);
    }
    return result;
  }

  static double median(List<Run> runs, ToDoubleFunction<Run> value) {
    List<Double> values = new ArrayList<>();
    for (Run run : runs) {
      values.add(value.applyAsDouble(run));
    }
    values.removeIf(v -> v.isNaN());
    Collections.sort(values);
    return median(values);
  }

  /** The median of sorted values; the mean of the middle two for an even count. */
  private static double median(List<Double> sorted) {
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
