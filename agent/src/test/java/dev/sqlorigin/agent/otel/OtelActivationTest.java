package dev.sqlorigin.agent.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OtelActivationTest {

  @Test
  void batchesOf2048FromAQueueOf4096WhenTheUserSetNeither() {
    assertEquals(
        Map.of("otel.bsp.max.export.batch.size", "2048", "otel.bsp.max.queue.size", "4096"),
        OtelActivation.batchDefaults(Map.of("otel.bsp.schedule.delay", "100"), Map.of()));
  }

  @Test
  void aBatchOrQueueSizeOfTheUsersLeavesBothToTheSdk() {
    assertEquals(
        Map.of(),
        OtelActivation.batchDefaults(Map.of("otel.bsp.max.queue.size", "1000"), Map.of()));
    assertEquals(
        Map.of(),
        OtelActivation.batchDefaults(Map.of(), Map.of("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "100")));
  }

  @Test
  void onlyTracesOrAnOtlpEndpointAskForSpans() {
    assertFalse(
        OtelActivation.spansRequested(Map.of("otel.metrics.exporter", "prometheus"), Map.of()));
    assertTrue(
        OtelActivation.spansRequested(
            Map.of(), Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
  }
}
