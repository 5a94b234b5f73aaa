package dev.sqlorigin.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QueueTimeTest {

  private static final long NOW = 1_763_700_000_000L;

  @Test
  void commonFormsAreRead() {
    assertEquals(250_000_000L, QueueTime.queuedNanos("t=" + (NOW - 250) * 1000, NOW), "micros");
    assertEquals(250_000_000L, QueueTime.queuedNanos("t=" + (NOW - 250), NOW), "millis");
    assertEquals(250_000_000L, QueueTime.queuedNanos(String.valueOf(NOW - 250), NOW), "no t=");
    assertEquals(
        250_000_000L, QueueTime.queuedNanos("t=" + (NOW - 250) / 1000.0, NOW), "seconds.fraction");
  }

  @Test
  void absentMalformedAndAbsurdValuesCountAsNotQueued() {
    assertEquals(0, QueueTime.queuedNanos(null, NOW));
    assertEquals(0, QueueTime.queuedNanos("t=soon", NOW));
    assertEquals(0, QueueTime.queuedNanos("t=" + (NOW + 60_000), NOW), "in the future");
    assertEquals(0, QueueTime.queuedNanos("t=" + (NOW - 3_600_000), NOW), "queued an hour");
    assertEquals(0, QueueTime.queuedNanos("t=99999999999999999999", NOW), "overflow");
    assertEquals(0, QueueTime.queuedNanos("t=" + (NOW + 2_000), NOW), "slightly ahead: clock skew");
  }
}
