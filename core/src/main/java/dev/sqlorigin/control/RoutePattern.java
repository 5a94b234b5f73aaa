package dev.sqlorigin.control;

import java.util.ArrayList;
import java.util.List;

/**
 * A route template as an operator writes it in a block or a cap: {@code POST /api/imports}, {@code
 * GET /petclinic/owners/{ownerId}}, {@code GET /api/owners/*}, or a path alone for every method
 * ({@code /api/imports}, {@code * /api/imports}). A {@code *} may end a segment: it stands for the
 * rest of that segment, and at the end of the pattern for everything below it as well ({@code GET
 * /api/*} covers {@code GET /api/owners/{id}/pets}, not {@code GET /api}). Anything else matches
 * literally, as the route appears in the statement's comment.
 *
 * <p>Matching walks the route's characters in place: no allocation on the request path.
 */
public final class RoutePattern {

  // Bounds of a written pattern, as generous as the routes sqlorigin makes (Routes: 12 segments of
  // 64 characters, a 16-letter method).
  private static final int MAX_LENGTH = 1024;

  private final String text;
  // null: any method
  private final String method;
  private final String[] segments;
  // Whether each segment ended with '*' (removed from segments[i]).
  private final boolean[] prefix;
  private final boolean exact;

  private RoutePattern(String text, String method, String[] segments, boolean[] prefix) {
    this.text = text;
    this.method = method;
    this.segments = segments;
    this.prefix = prefix;
    boolean wildcard = method == null;
    for (boolean p : prefix) {
      wildcard |= p;
    }
    this.exact = !wildcard;
  }

  /**
   * Parses one pattern.
   *
   * @throws IllegalArgumentException with a message saying what is wrong and what is accepted
   */
  public static RoutePattern parse(String written) {
    String value = written == null ? "" : written.strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("an empty route");
    }
    if (value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a route of " + value.length() + " characters (" + MAX_LENGTH + " at most)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7E) {
        throw new IllegalArgumentException(
            "'" + printable(value) + "' holds a character that no route has");
      }
    }
    String method = null;
    String path = value;
    int space = value.indexOf(' ');
    if (space >= 0) {
      String written0 = value.substring(0, space);
      path = value.substring(space + 1).strip();
      if (!written0.equals("*")) {
        if (!isMethod(written0)) {
          throw notARoute(value, "'" + written0 + "' is not an HTTP method in capitals");
        }
        method = written0;
      }
    }
    if (!path.startsWith("/")) {
      throw notARoute(value, "the path must start with /");
    }
    if (path.indexOf(' ') >= 0) {
      throw notARoute(value, "a route has one space, after the method");
    }
    List<String> parts = new ArrayList<>();
    int start = 1;
    while (true) {
      int end = path.indexOf('/', start);
      parts.add(path.substring(start, end < 0 ? path.length() : end));
      if (end < 0) {
        break;
      }
      start = end + 1;
    }
    String[] segments = new String[parts.size()];
    boolean[] prefix = new boolean[parts.size()];
    for (int i = 0; i < segments.length; i++) {
      String segment = parts.get(i);
      int star = segment.indexOf('*');
      if (star >= 0 && star != segment.length() - 1) {
        throw notARoute(value, "'*' may only end a segment ('" + segment + "')");
      }
      if (segment.isEmpty() && i < segments.length - 1) {
        throw notARoute(value, "an empty segment (//)");
      }
      prefix[i] = star >= 0;
      segments[i] = star >= 0 ? segment.substring(0, star) : segment;
    }
    return new RoutePattern(method == null ? path : method + " " + path, method, segments, prefix);
  }

  private static IllegalArgumentException notARoute(String value, String why) {
    return new IllegalArgumentException(
        "'"
            + printable(value)
            + "' is not a route: "
            + why
            + " (routes look like POST /api/imports, GET /api/owners/{id} or GET /api/*)");
  }

  private static boolean isMethod(String token) {
    if (token.isEmpty() || token.length() > 16) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if ((c < 'A' || c > 'Z') && c != '_') {
        return false;
      }
    }
    return true;
  }

  static String printable(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < 80; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x20 && c < 0x7F ? c : '?');
    }
    return value.length() > 80 ? out + "…" : out.toString();
  }

  /**
   * Whether {@code route} (as sqlorigin names requests: {@code METHOD /path}, or a gRPC call's full
   * method name alone, {@code /shop.Orders/Create}, which only a pattern without a method covers)
   * is covered. Origins of named jobs ({@code job:import}) do not start with a path, and are never
   * covered.
   */
  public boolean matches(String route) {
    int space = route.indexOf(' ');
    if (method != null && !(space == method.length() && route.startsWith(method))) {
      return false;
    }
    int length = route.length();
    // The path starts after the method's space, or at once for a route without a method.
    int at = space + 1;
    int last = segments.length - 1;
    for (int i = 0; i <= last; i++) {
      if (at >= length || route.charAt(at) != '/') {
        return false;
      }
      at++;
      int end = route.indexOf('/', at);
      if (end < 0) {
        end = length;
      }
      String segment = segments[i];
      if (prefix[i]) {
        if (end - at < segment.length() || !route.startsWith(segment, at)) {
          return false;
        }
        if (i == last) {
          return true;
        }
      } else if (end - at != segment.length() || !route.startsWith(segment, at)) {
        return false;
      }
      at = end;
    }
    return at == length;
  }

  /** A pattern with a method and no {@code *}: it covers exactly the route it spells. */
  public boolean exact() {
    return exact;
  }

  /** The pattern as written, normalised ({@code * /x} is {@code /x}). */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RoutePattern && ((RoutePattern) other).text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
