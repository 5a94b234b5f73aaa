package dev.sqlorigin.cli.view;

import dev.sqlorigin.cli.snapshot.Session;
import dev.sqlorigin.cli.snapshot.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Live sessions grouped by origin and application: what each route is doing to the database. */
public final class Activity {

  /**
   * One origin of one application.
   *
   * @param oldestIdleInTransaction the longest a session of the group has sat idle in a transaction
   *     (the classic lock holder), or null
   * @param oldestStatement the oldest running statement's age, or null
   * @param sampleRequestId a request ID seen in the group (the oldest active one's, preferably)
   * @param sampleTraceparent a W3C traceparent seen in the group, leading to a trace
   */
  public record Group(
      String origin,
      String source,
      String application,
      int sessions,
      int active,
      int waitingOnLock,
      int idleInTransaction,
      Duration oldestIdleInTransaction,
      Duration oldestStatement,
      String sampleRequestId,
      String sampleTraceparent,
      List<Integer> pids) {}

  private Activity() {}

  /**
   * The groups of the sessions {@code filter} keeps, busiest first: by active sessions, then
   * waiting, then idle in transaction, then size. Parallel workers are left out: their leader
   * stands for them.
   */
  public static List<Group> groups(Snapshot snapshot, Filter filter) {
    Map<List<String>, List<Session>> byOrigin = new LinkedHashMap<>();
    for (Session session : snapshot.sessions()) {
      if ("parallel worker".equals(session.backendType())
          || (!session.isClientBackend() && session.state() == null)
          || !filter.matches(session)) {
        continue;
      }
      List<String> key = List.of(session.origin().label(), session.origin().application());
      byOrigin.computeIfAbsent(key, k -> new ArrayList<>()).add(session);
    }
    List<Group> groups = new ArrayList<>();
    for (List<Session> members : byOrigin.values()) {
      groups.add(group(members));
    }
    groups.sort(
        Comparator.comparingInt(Group::active)
            .thenComparingInt(Group::waitingOnLock)
            .thenComparingInt(Group::idleInTransaction)
            .thenComparingInt(Group::sessions)
            .reversed()
            .thenComparing(Group::origin));
    return groups.subList(0, filter.cap(groups.size()));
  }

  private static Group group(List<Session> members) {
    int active = 0;
    int waiting = 0;
    int idleInTransaction = 0;
    Duration oldestIdle = null;
    Duration oldestStatement = null;
    String sampleRequestId = null;
    Duration sampleAge = null;
    String sampleTraceparent = null;
    List<Integer> pids = new ArrayList<>();
    for (Session session : members) {
      pids.add(session.pid());
      if (session.isActive()) {
        active++;
        oldestStatement = max(oldestStatement, session.queryAge());
      }
      if (session.waitsOnLock()) {
        waiting++;
      }
      if (session.isIdleInTransaction()) {
        idleInTransaction++;
        oldestIdle = max(oldestIdle, session.stateAge());
      }
      if (sampleTraceparent == null) {
        sampleTraceparent = session.origin().traceparent();
      }
      String requestId = session.origin().requestId();
      Duration age = session.isIdle() ? null : session.age();
      if (requestId != null
          && (sampleRequestId == null
              || (age != null && (sampleAge == null || age.compareTo(sampleAge) > 0)))) {
        sampleRequestId = requestId;
        sampleAge = age;
      }
    }
    Session first = members.get(0);
    return new Group(
        first.origin().label(),
        first.origin().source(),
        first.origin().application(),
        members.size(),
        active,
        waiting,
        idleInTransaction,
        oldestIdle,
        oldestStatement,
        sampleRequestId,
        sampleTraceparent,
        pids);
  }

  static Duration max(Duration a, Duration b) {
    return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
  }
}
