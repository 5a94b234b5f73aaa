package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OTLP/HTTP (protobuf) receiver on a free local port: it keeps every span and metric an
 * application exports to it, for the test to await and inspect.
 */
public final class OtlpReceiver implements AutoCloseable {

  private static final long POLL_MILLIS = 20;
  private final HttpServer server;
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<Metric> metrics = new ArrayList<>();
  // How many spans each export carried, in the order they came.
  private final List<Integer> spansPerExport = new ArrayList<>();

  /** A span with the instrumentation scope that produced it. */
  public record ReceivedSpan(String scope, Span span) {
    public String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    public String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    public String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    public String name() {
      return span.getName();
    }

    /** The attribute's value as text (numbers in decimal), or null. */
    public String attribute(String key) {
      return OtlpReceiver.attribute(span.getAttributesList(), key);
    }

    @Override
    public String toString() {
      return scope
          + " "
          + span.getKind()
          + " '"
          + name()
          + "' "
          + traceId()
          + "/"
          + spanId()
          + " parent="
          + parentSpanId()
          + " "
          + span.getAttributesList().stream()
              .map(kv -> kv.getKey() + "=" + text(kv.getValue()))
              .toList();
    }
  }

  private OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange));
          synchronized (this) {
            int before = spans.size();
            for (ResourceSpans resource : request.getResourceSpansList()) {
              for (ScopeSpans scope : resource.getScopeSpansList()) {
                scope
                    .getSpansList()
                    .forEach(span -> spans.add(new ReceivedSpan(scope.getScope().getName(), span)));
              }
            }
            spansPerExport.add(spans.size() - before);
          }
          respond(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
        });
    server.createContext(
        "/v1/metrics",
        exchange -> {
          ExportMetricsServiceRequest request =
              ExportMetricsServiceRequest.parseFrom(body(exchange));
          synchronized (this) {
            for (ResourceMetrics resource : request.getResourceMetricsList()) {
              for (ScopeMetrics scope : resource.getScopeMetricsList()) {
                metrics.addAll(scope.getMetricsList());
              }
            }
          }
          respond(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
        });
    server.start();
  }

  public static OtlpReceiver start() throws IOException {
    return new OtlpReceiver();
  }

  /** The value for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public synchronized List<ReceivedSpan> spans() {
    return new ArrayList<>(spans);
  }

  /** How many spans each export carried, in the order they came. */
  public synchronized List<Integer> spansPerExport() {
    return new ArrayList<>(spansPerExport);
  }

  /** Waits (30 s at most) until {@code count} spans or more have come. */
  public void awaitSpanCount(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (spans().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS); // poll interval of the awaited condition
    }
    assertTrue(
        spans().size() >= count,
        spans().size() + " spans within 30 s, not " + count + "; per export: " + spansPerExport());
  }

  public synchronized List<Metric> metrics() {
    return new ArrayList<>(metrics);
  }

  /** Waits (30 s at most) for a span that {@code wanted} accepts. */
  public ReceivedSpan awaitSpan(String what, Predicate<ReceivedSpan> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (ReceivedSpan span : spans()) {
        if (wanted.test(span)) {
          return span;
        }
      }
      Thread.sleep(POLL_MILLIS); // poll interval of the awaited condition
    }
    fail(
        "no span "
            + what
            + " within 30 s; received:\n"
            + String.join("\n", spans().stream().map(ReceivedSpan::toString).toList()));
    return null;
  }

  /** Waits (30 s at most) for an exported metric named {@code name} that {@code wanted} accepts. */
  public Metric awaitMetric(String name, Predicate<Metric> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      for (Metric metric : metrics()) {
        if (metric.getName().equals(name) && wanted.test(metric)) {
          return metric;
        }
      }
      Thread.sleep(POLL_MILLIS); // poll interval of the awaited condition
    }
    fail(
        "no metric "
            + name
            + " as expected within 30 s; received: "
            + metrics().stream().map(Metric::getName).distinct().toList());
    return null;
  }

  /** The value of attribute {@code key} as text (numbers in decimal), or null. */
  public static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue attribute : attributes) {
      if (attribute.getKey().equals(key)) {
        return text(attribute.getValue());
      }
    }
    return null;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
      case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
      default -> value.toString();
    };
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }

  private static void respond(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
