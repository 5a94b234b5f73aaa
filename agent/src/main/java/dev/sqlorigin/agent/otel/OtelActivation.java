package dev.sqlorigin.agent.otel;

import java.util.List;
import java.util.Map;

/**
 * Whether the user asked for OpenTelemetry export. Unlike the SDK, whose exporters default to OTLP,
 * sqlorigin exports nothing unless an exporter or an OTLP endpoint is set: an agent added to find
 * queries must not start sending telemetry, or logging that it cannot. This class names no SDK
 * type, so that nothing of the SDK is loaded when export is off.
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

  private OtelActivation() {}

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
