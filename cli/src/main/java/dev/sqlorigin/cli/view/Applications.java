package dev.sqlorigin.cli.view;

import dev.sqlorigin.cli.snapshot.Session;
import dev.sqlorigin.cli.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Connections by application, idle ones included: before a maintenance migration, has every
 * application let go of the database?
 */
public final class Applications {

  /** The client connections of one application. */
  public record Row(
      String application,
      int connections,
      int active,
      int idle,
      int idleInTransaction,
      List<String> databases,
      List<String> users,
      int clientAddresses) {}

  private Applications() {}

  public static List<Row> rows(Snapshot snapshot, Filter filter) {
    Map<String, List<Session>> byApplication = new LinkedHashMap<>();
    for (Session session : snapshot.sessions()) {
      if (!session.isClientBackend() || !filter.matches(session)) {
        continue;
      }
      String application = session.origin().application();
      byApplication
          .computeIfAbsent(
              application.isEmpty() ? "(no application_name)" : application, k -> new ArrayList<>())
          .add(session);
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, List<Session>> entry : byApplication.entrySet()) {
      int active = 0;
      int idle = 0;
      int idleInTransaction = 0;
      TreeSet<String> databases = new TreeSet<>();
      TreeSet<String> users = new TreeSet<>();
      TreeSet<String> clients = new TreeSet<>();
      for (Session session : entry.getValue()) {
        active += session.isActive() ? 1 : 0;
        idle += session.isIdle() ? 1 : 0;
        idleInTransaction += session.isIdleInTransaction() ? 1 : 0;
        if (session.database() != null) {
          databases.add(session.database());
        }
        if (session.user() != null) {
          users.add(session.user());
        }
        clients.add(String.valueOf(session.clientAddress()));
      }
      rows.add(
          new Row(
              entry.getKey(),
              entry.getValue().size(),
              active,
              idle,
              idleInTransaction,
              List.copyOf(databases),
              List.copyOf(users),
              clients.size()));
    }
    rows.sort(Comparator.comparingInt(Row::connections).reversed().thenComparing(Row::application));
    return rows.subList(0, filter.cap(rows.size()));
  }
}
