package dev.sqlorigin.cli.view;

import dev.sqlorigin.cli.snapshot.Session;
import dev.sqlorigin.cli.snapshot.Snapshot;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Statements running, or transactions left idle, for longer than a threshold: oldest first. */
public final class LongStatements {

  private LongStatements() {}

  public static List<Session> of(Snapshot snapshot, Duration threshold, Filter filter) {
    List<Session> found =
        snapshot.sessions().stream()
            .filter(s -> s.visible() && (s.isActive() || s.isIdleInTransaction()))
            .filter(s -> !"parallel worker".equals(s.backendType()))
            .filter(s -> s.age() != null && s.age().compareTo(threshold) >= 0)
            .filter(filter::matches)
            .sorted(Comparator.comparing(Session::age).reversed())
            .collect(Collectors.toList());
    return found.subList(0, filter.cap(found.size()));
  }
}
