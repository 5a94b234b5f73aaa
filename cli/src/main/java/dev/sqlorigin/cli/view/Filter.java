package dev.sqlorigin.cli.view;

import dev.sqlorigin.cli.snapshot.Session;
import java.time.Duration;
import java.util.Locale;

/**
 * What the operator narrowed a view to.
 *
 * @param route a part of the origin to keep (case-insensitive), or null
 * @param application a part of the application's name to keep (case-insensitive), or null
 * @param minAge keep only sessions busy (not idle) for at least this long, or null
 * @param limit the most rows (groups, root blockers, statements) to show; 0 for all
 */
public record Filter(String route, String application, Duration minAge, int limit) {

  public static final Filter NONE = new Filter(null, null, null, 0);

  public boolean matches(Session session) {
    if (route != null && !contains(session.origin().label(), route)) {
      return false;
    }
    if (application != null
        && !contains(session.origin().application(), application)
        && !contains(session.applicationName(), application)) {
      return false;
    }
    if (minAge != null) {
      Duration age = session.age();
      return !session.isIdle() && age != null && age.compareTo(minAge) >= 0;
    }
    return true;
  }

  /** At most {@link #limit} of {@code count} rows. */
  public int cap(int count) {
    return limit > 0 ? Math.min(limit, count) : count;
  }

  private static boolean contains(String value, String part) {
    return value != null && value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
  }
}
