package dev.sqlorigin.label;

/**
 * The request ID carried in PostgreSQL's {@code application_name} instead of the SQL text: the text
 * then stays the same for every request of a route, so pgjdbc keeps its statements prepared on the
 * server, and {@code pg_stat_activity.application_name} (or {@code %a} in {@code log_line_prefix})
 * still names the request. The application's own name is kept in front: {@code orders-api
 * req=3f2a…}.
 */
public final class ApplicationName {

  static final String MARKER = " req=";
  // NAMEDATALEN - 1: the server truncates longer names, and a truncated value would never compare
  // equal to what we asked for, so every statement would set it again.
  static final int MAX_LENGTH = 63;

  private static volatile Labeler labeler;

  private ApplicationName() {}

  /**
   * Reads and sets a statement's connection's name. Core cannot see {@code java.sql}; the JDBC
   * instrumentation provides it.
   */
  public interface Labeler {
    void label(Object statement, String requestId);
  }

  public static void installLabeler(Labeler newLabeler) {
    labeler = newLabeler;
  }

  /**
   * Makes the connection of {@code statement} carry {@code requestId}, or, with null, the
   * application's own name again (a background job must not run under a finished request's ID).
   */
  public static void label(Object statement, String requestId) {
    Labeler current = labeler;
    if (current != null) {
      current.label(statement, requestId);
    }
  }

  /**
   * The value to set so that a connection now named {@code current} carries {@code requestId} (or
   * none, when null), or null when it already does.
   */
  public static String wanted(String current, String requestId) {
    if (requestId != null && current != null && current.endsWith(requestId)) {
      // Every statement after a request's first on a connection comes here: no allocation.
      int id = current.length() - requestId.length() - MARKER.length() + 1;
      if (id >= 0
          && current.startsWith(MARKER.substring(1), id)
          && (id == 0 || current.charAt(id - 1) == ' ')) {
        return null;
      }
    }
    String base = base(current);
    String wanted;
    if (requestId == null) {
      wanted = base;
    } else {
      String id = MARKER.substring(1) + requestId;
      int room = MAX_LENGTH - id.length() - 1;
      if (room < 0) {
        wanted = id.substring(0, MAX_LENGTH);
      } else if (base.isEmpty() || room == 0) {
        wanted = id;
      } else {
        wanted = base.substring(0, Math.min(base.length(), room)) + ' ' + id;
      }
    }
    return wanted.equals(current) ? null : wanted;
  }

  /**
   * The application's own part of {@code current}, as the server would store it: printable ASCII
   * only (PostgreSQL escapes anything else, which again would never compare equal).
   */
  static String base(String current) {
    if (current == null) {
      return "";
    }
    int marker = current.lastIndexOf(MARKER);
    String base =
        marker >= 0
            ? current.substring(0, marker)
            : current.startsWith(MARKER.substring(1)) ? "" : current;
    StringBuilder clean = null;
    for (int i = 0; i < base.length(); i++) {
      char c = base.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        if (clean == null) {
          clean = new StringBuilder(base.substring(0, i));
        }
        clean.append('?');
      } else if (clean != null) {
        clean.append(c);
      }
    }
    return clean == null ? base : clean.toString();
  }
}
