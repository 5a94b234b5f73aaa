package dev.sqlorigin.cli.snapshot;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * One backend of {@code pg_stat_activity}, with its ages computed against the server's clock.
 *
 * @param visible false when the console's role may not see the session's query and state
 * @param blockedBy the pids that block it ({@code pg_blocking_pids}) when it waits on a lock, else
 *     an empty array; 0 stands for a prepared transaction
 */
public record Session(
    int pid,
    String database,
    String user,
    String applicationName,
    String clientAddress,
    String backendType,
    OffsetDateTime backendStart,
    OffsetDateTime xactStart,
    OffsetDateTime queryStart,
    String state,
    String waitEventType,
    String waitEvent,
    String query,
    boolean visible,
    int[] blockedBy,
    Duration stateAge,
    Duration xactAge,
    Duration queryAge,
    Origin origin) {

  public boolean isClientBackend() {
    return backendType == null || backendType.equals("client backend");
  }

  public boolean isActive() {
    return "active".equals(state);
  }

  public boolean isIdle() {
    return "idle".equals(state);
  }

  /** {@code idle in transaction} or {@code idle in transaction (aborted)}. */
  public boolean isIdleInTransaction() {
    return state != null && state.startsWith("idle in transaction");
  }

  public boolean waitsOnLock() {
    return "Lock".equals(waitEventType);
  }

  /**
   * How long it has been doing what it does: its statement's age while active, its idle
   * transaction's idle time, and so on; null when unknown.
   */
  public Duration age() {
    return isActive() ? queryAge : stateAge;
  }

  /** {@code active 3.2s}, {@code idle in transaction 9m02s}, {@code (hidden)}. */
  public String stateWithAge() {
    if (!visible) {
      return "(hidden)";
    }
    String shown = state == null ? backendType : state;
    Duration age = age();
    return age == null ? shown : shown + " " + dev.sqlorigin.cli.Durations.format(age);
  }
}
