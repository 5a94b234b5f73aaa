package dev.sqlorigin.apps.probe;

import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import org.slf4j.LoggerFactory;

/**
 * Uses the application's own Byte Buddy, SLF4J and OpenTelemetry, which differ from the agent's.
 */
public final class OwnDependencies {

  private OwnDependencies() {}

  public static String exercise() throws Exception {
    String generated =
        new ByteBuddy()
            .subclass(Object.class)
            .method(ElementMatchers.named("toString"))
            .intercept(FixedValue.value("own-bytebuddy-works"))
            .make()
            .load(OwnDependencies.class.getClassLoader())
            .getLoaded()
            .getDeclaredConstructor()
            .newInstance()
            .toString();

    LoggerFactory.getLogger("app").info("own-slf4j-works");

    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    int spans;
    // Counted before close: shutting the exporter down clears it.
    SdkTracerProviderBuilder builder =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter));
    // Where the agent exports too: the application's own exporter (OkHttp sender, SDK 1.40) beside
    // it.
    String endpoint = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    if (endpoint != null) {
      builder.addSpanProcessor(
          SimpleSpanProcessor.create(
              OtlpHttpSpanExporter.builder().setEndpoint(endpoint + "/v1/traces").build()));
    }
    try (SdkTracerProvider tracer = builder.build()) {
      tracer.get("app").spanBuilder("own-span").startSpan().end();
      spans = exporter.getFinishedSpanItems().size();
    }
    return "bytebuddy="
        + generated
        + "\n"
        + "bytebuddy.jar="
        + location(ByteBuddy.class)
        + "\n"
        + "slf4j.factory="
        + LoggerFactory.getILoggerFactory().getClass().getName()
        + "\n"
        + "slf4j.jar="
        + location(LoggerFactory.class)
        + "\n"
        + "otel.spans="
        + spans
        + "\n";
  }

  private static String location(Class<?> type) {
    String path = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
