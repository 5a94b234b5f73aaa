package dev.sqlorigin.agent.otel;

import java.util.List;
import java.util.Map;

/**
 * Whether the user asked for OpenTelemetry export, and the settings sqlorigin gives the SDK below
 * the user's. Unlike the SDK, whose exporters default to OTLP, sqlorigin exports nothing unless an
 * exporter or an OTLP endpoint is set: an agent added to find queries must not start sending
 * telemetry, or logging that it cannot. This class names no SDK type, so that nothing of the SDK is
 * loaded when export is off.
 */
public final class OtelActivation {

  private static final List<String> SWITCHES =
      List.of(
          "otel.traces.exporter",
          "otel.metrics.exporter",
          "otel.exporter.otlp.endpoint",
          "otel.exporter.otlp.traces.endpoint",
          "otel.exporter.otlp.metrics.endpoint");

  // What asks for spans; metrics alone (otel.metrics.exporter=prometheus, a metrics endpoint)
  // do not.
  private static final List<String> SPAN_SWITCHES =
      List.of(
          "otel.traces.exporter",
          "otel.exporter.otlp.endpoint",
          "otel.exporter.otlp.traces.endpoint");

  // The batch span processor's sizes when the user set neither (the SDK's: 512 and 2048). At
  // thousands of spans a second a quarter of the POSTs: 5-13 us less of the application's CPU per
  // request with two spans at 3,000 requests a second (docs/benchmarks.md), for a queue that
  // holds 2,048 spans more while the collector does not answer. Both or neither: a queue the user
  // made smaller than our batch would make the SDK warn and shrink the batch.
  static final String BATCH_SIZE = "otel.bsp.max.export.batch.size";
  static final String QUEUE_SIZE = "otel.bsp.max.queue.size";
  static final String DEFAULT_BATCH_SIZE = "2048";
  static final String DEFAULT_QUEUE_SIZE = "4096";

  private OtelActivation() {}

  /**
   * The batch span processor's sizes sqlorigin sets below the user's settings: {@link
   * #DEFAULT_BATCH_SIZE} spans per export and a queue of {@link #DEFAULT_QUEUE_SIZE}, unless the
   * user set either.
   */
  static Map<String, String> batchDefaults(Map<?, ?> properties, Map<String, String> environment) {
    return setting(BATCH_SIZE, properties, environment) == null
            && setting(QUEUE_SIZE, properties, environment) == null
        ? Map.of(BATCH_SIZE, DEFAULT_BATCH_SIZE, QUEUE_SIZE, DEFAULT_QUEUE_SIZE)
        : Map.of();
  }

  /**
   * Whether spans were asked for. When only metrics were (a team that scrapes with Prometheus), no
   * span is exported: the SDK's default would send them over OTLP to a local collector that is not
   * there, and log that it cannot.
   */
  public static boolean spansRequested(Map<?, ?> properties, Map<String, String> environment) {
    for (String key : SPAN_SWITCHES) {
      String value = setting(key, properties, environment);
      if (value != null && !value.isBlank()) {
        return true;
      }
    }
    return false;
  }

  /** Reads the {@code otel.*} system properties, then the {@code OTEL_*} environment variables. */
  public static boolean requested(Map<?, ?> properties, Map<String, String> environment) {
    if ("true".equalsIgnoreCase(setting("otel.sdk.disabled", properties, environment))) {
      return false;
    }
    for (String key : SWITCHES) {
      String value = setting(key, properties, environment);
      if (value != null && !value.isBlank()) {
        return true;
      }
    }
    return false;
  }

  private static String setting(String key, Map<?, ?> properties, Map<String, String> environment) {
    Object value = properties.get(key);
    return value != null
        ? value.toString()
        : environment.get(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
  }
}
