package dev.sqlorigin.cli.snapshot;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * What the console read in one refresh.
 *
 * @param takenAt the server's clock when the sessions were read
 * @param role the role the console connected as (what it may see depends on it)
 * @param sessions every other backend, the console's own connection left out
 * @param locks the locks of the sessions taking part in a wait, by pid; empty when nobody waits
 */
public record Snapshot(
    OffsetDateTime takenAt,
    String server,
    String serverVersion,
    String role,
    List<Session> sessions,
    Map<Integer, List<LockInfo>> locks) {

  /** Sessions of clients (the console's own left out), those the role may not see included. */
  public long clientSessions() {
    return sessions.stream().filter(Session::isClientBackend).count();
  }

  public long hidden() {
    return sessions.stream().filter(s -> !s.visible()).count();
  }
}
