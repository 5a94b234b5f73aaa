package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgentLoggingTest {

  @Test
  void timestampsAreUtcToTheMillisecondWithFixedWidth() {
    assertEquals("1970-01-01T00:00:00.000Z", AgentLogging.timestamp(0));
    assertEquals(
        "2026-12-01T00:12:31.069Z",
        AgentLogging.timestamp(Instant.parse("2026-12-01T00:12:31.069Z").toEpochMilli()));
    assertEquals(
        "0999-03-04T05:06:07.800Z",
        AgentLogging.timestamp(Instant.parse("0999-03-04T05:06:07.800Z").toEpochMilli()));
  }
}
