package dev.sqlorigin.bench;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.agent.otel.OtelTelemetry;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.telemetry.TelemetryHooks;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * What sqlorigin does for one request with one prepared statement (the sample app's {@code GET
 * /api/owners/{id}}), with its OpenTelemetry off and on: start the request (and its server span),
 * tag and prepare the statement, run it (its client span and the duration metric), end the request.
 * The database and the container are left out: this is the agent's own cost.
 *
 * <p>{@code off}: no OpenTelemetry setting (the default). {@code no-export}: spans and metrics
 * made, exporters {@code none}. {@code otlp}: exported over OTLP/HTTP to a sink in this JVM (the
 * batch processor's and the metric reader's threads then compete for the same CPUs). {@code
 * otlp-traceparent}: the same with the traceparent in the comment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TelemetryBenchmark {

  private static final String SQL = "SELECT id, name FROM owners WHERE id = ?";

  @Param({"off", "no-export", "otlp", "otlp-traceparent"})
  public String mode;

  private OtlpSink sink;
  private PreparedStatement statement;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Map<String, String> settings =
        mode.equals("otlp-traceparent")
            ? Map.of(Config.COMMENT_FIELDS, "route,request_id,traceparent")
            : Map.of();
    Config config = Config.load(settings, Map.of());
    Config.install(config);
    if (mode.equals("no-export")) {
      System.setProperty("otel.traces.exporter", "none");
      System.setProperty("otel.metrics.exporter", "none");
    } else if (mode.startsWith("otlp")) {
      sink = OtlpSink.start();
      System.setProperty("otel.exporter.otlp.endpoint", sink.endpoint());
    }
    if (!mode.equals("off") && !OtelTelemetry.install(config)) {
      throw new IllegalStateException("OpenTelemetry did not start");
    }
    statement = statement();
    String comment = request();
    if (mode.equals("otlp-traceparent") != comment.contains("traceparent=")) {
      throw new IllegalStateException("unexpected comment " + comment);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (sink != null) {
      sink.close();
    }
  }

  @Benchmark
  public String request() {
    RequestContext context = StartRequestBenchmark.startOwnersRequest(null);
    Binding binding = RequestLifecycle.bind(context);
    String sql = Sqlorigin.tag(SQL);
    if (TelemetryHooks.enabled()) {
      TelemetryHooks.statementPrepared(statement, sql);
    }
    RequestLifecycle.statementStarted(binding, statement, null);
    RequestLifecycle.statementEnded(binding, statement, null);
    RequestLifecycle.end(binding, 200, null);
    return sql;
  }

  /** A statement whose connection reports the sample app's JDBC URL, as the telemetry asks. */
  private static PreparedStatement statement() {
    ClassLoader loader = TelemetryBenchmark.class.getClassLoader();
    DatabaseMetaData metaData =
        (DatabaseMetaData)
            Proxy.newProxyInstance(
                loader,
                new Class<?>[] {DatabaseMetaData.class},
                (proxy, method, args) ->
                    method.getName().equals("getURL")
                        ? "jdbc:postgresql://localhost:5432/sample"
                        : null);
    Connection connection =
        (Connection)
            Proxy.newProxyInstance(
                loader,
                new Class<?>[] {Connection.class},
                (proxy, method, args) ->
                    method.getName().equals("getMetaData")
                        ? metaData
                        : method.getName().equals("hashCode")
                            ? System.identityHashCode(proxy)
                            : method.getName().equals("equals") ? proxy == args[0] : null);
    return (PreparedStatement)
        Proxy.newProxyInstance(
            loader,
            new Class<?>[] {PreparedStatement.class},
            (proxy, method, args) ->
                method.getName().equals("getConnection")
                    ? connection
                    : method.getName().equals("hashCode")
                        ? System.identityHashCode(proxy)
                        : method.getName().equals("equals") ? proxy == args[0] : null);
  }
}
