package dev.sqlorigin.cli.render;

import dev.sqlorigin.cli.Durations;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.view.Activity;
import dev.sqlorigin.cli.view.Filter;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** {@code sqlorigin activity} as a table, busiest origins first. */
public final class ActivityText {

  private static final String[] HEADERS = {
    "ORIGIN",
    "APPLICATION",
    "SESS",
    "ACTIVE",
    "LOCK",
    "IDLE-TX",
    "OLDEST-IDLE-TX",
    "OLDEST-STMT",
    "REQUEST-ID"
  };
  private static final int[] MAX_WIDTH = {60, 30, 5, 6, 5, 7, 14, 11, 36};

  private ActivityText() {}

  public static List<String> lines(Snapshot snapshot, Filter filter, Glyphs glyphs) {
    List<Activity.Group> groups = Activity.groups(snapshot, filter);
    List<String> lines = new ArrayList<>();
    lines.add(header("activity", snapshot, glyphs));
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (Activity.Group group : groups) {
      rows.add(
          new String[] {
            Inert.line(group.origin(), MAX_WIDTH[0]),
            Inert.line(group.application(), MAX_WIDTH[1]),
            Integer.toString(group.sessions()),
            Integer.toString(group.active()),
            Integer.toString(group.waitingOnLock()),
            Integer.toString(group.idleInTransaction()),
            Durations.format(group.oldestIdleInTransaction()),
            Durations.format(group.oldestStatement()),
            Inert.line(group.sampleRequestId(), MAX_WIDTH[8])
          });
    }
    lines.addAll(table(rows, 2));
    if (groups.isEmpty()) {
      lines.add(filter.equals(Filter.NONE) ? "(no other session)" : "(no session matches)");
    }
    lines.addAll(footer(snapshot));
    return lines;
  }

  /**
   * {@code sqlorigin activity · postgres@host:5432/db · PostgreSQL 17.6 · 12:03:04 · 42 sessions}.
   */
  static String header(String view, Snapshot snapshot, Glyphs glyphs) {
    return "sqlorigin "
        + view
        + glyphs.dot()
        + Inert.line(snapshot.server(), 80)
        + glyphs.dot()
        + "PostgreSQL "
        + Inert.line(snapshot.serverVersion(), 20)
        + glyphs.dot()
        + snapshot.takenAt().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx"))
        + glyphs.dot()
        + snapshot.clientSessions()
        + " client sessions";
  }

  /** What the console's role could not see, said as such. */
  static List<String> footer(Snapshot snapshot) {
    long hidden = snapshot.hidden();
    if (hidden == 0) {
      return List.of();
    }
    return List.of(
        hidden
            + (hidden == 1 ? " session is" : " sessions are")
            + " not visible to role "
            + Inert.line(snapshot.role(), 63)
            + (hidden == 1 ? ": its" : ": their")
            + " query, state and ages are hidden (grant it pg_monitor to see them)");
  }

  /** Left-aligned text columns, right-aligned numbers (columns 2 to 7). */
  static List<String> table(List<String[]> rows, int firstNumeric) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].codePointCount(0, row[c].length()));
      }
    }
    List<String> lines = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        boolean numeric = c >= firstNumeric && c < columns - 1;
        int pad = widths[c] - row[c].codePointCount(0, row[c].length());
        if (numeric) {
          line.append(" ".repeat(pad)).append(row[c]);
        } else {
          line.append(row[c]);
          if (c < columns - 1) {
            line.append(" ".repeat(pad));
          }
        }
        if (c < columns - 1) {
          line.append("  ");
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }
}
