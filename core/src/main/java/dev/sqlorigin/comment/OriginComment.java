package dev.sqlorigin.comment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a statement's comment says about where it came from, in any of the formats seen in {@code
 * pg_stat_activity}: sqlorigin's own (either {@link CommentFormat}), sqlcommenter (also written by
 * the OpenTelemetry agents, Django, Flask, Spring and Rails 7.1+ in that format), Rails QueryLogs
 * and marginalia ({@code /*application:Blog,controller:posts,action:index*}{@code /}), Datadog
 * Database Monitoring ({@code /*dddbs='…',dde='…',ddps='…'*}{@code /}), and a plain comment ({@code
 * /* nightly import *}{@code /}, {@code -- Metabase:: …}).
 *
 * <p>Where each is looked for: sqlorigin's anywhere (pgjdbc moves it into a rewritten call escape);
 * the others in the leading comment (after a {@code pg_hint_plan} hint block), and the key-value
 * formats also in a trailing one, where sqlcommenter, marginalia and QueryLogs put theirs by
 * default. A plain comment counts only when it leads. Values come back decoded and otherwise
 * untouched: whoever prints them must make them inert.
 */
public final class OriginComment {

  /** The format the comment was written in. */
  public enum Format {
    SQLORIGIN,
    /** {@code key='url-encoded value'}, comma-separated, without Datadog's keys. */
    SQLCOMMENTER,
    /** Rails QueryLogs' legacy format and marginalia's: {@code key:value}, comma-separated. */
    QUERY_LOGS,
    /** Datadog DBM's propagation comment: sqlcommenter's syntax with {@code dd*} keys. */
    DATADOG,
    /** Any other comment, read as free text. */
    PLAIN
  }

  // What Datadog's tracers write (dd-trace-java, -py, -rb, -js, -go): database service, env,
  // parent service and version, peer host and database name.
  private static final String[] DATADOG_KEYS = {"ddps", "dddbs", "dde", "ddpv", "ddh", "dddb"};

  private final Format format;
  private final Map<String, String> fields;
  private final String text;

  private OriginComment(Format format, Map<String, String> fields, String text) {
    this.format = format;
    this.fields = Collections.unmodifiableMap(fields);
    this.text = text;
  }

  /** The origin named by a comment of {@code sql}, or null when it carries none we can read. */
  public static OriginComment read(String sql) {
    if (sql == null) {
      return null;
    }
    for (int start = sql.indexOf(SqlComment.MARKER);
        start >= 0;
        start = sql.indexOf(SqlComment.MARKER, start + 2)) {
      Map<String, String> fields = SqlComment.parseFields(sql, start, true);
      if (fields != null) {
        return new OriginComment(Format.SQLORIGIN, fields, null);
      }
    }
    int leading = SqlComment.skipWhitespace(sql, 0);
    if (sql.startsWith("/*+", leading)) {
      int afterHint = SqlComment.endOfBlockComment(sql, leading);
      leading = afterHint < 0 ? -1 : SqlComment.skipWhitespace(sql, afterHint);
    }
    OriginComment found = leading < 0 ? null : keyValues(sql, leading);
    if (found == null) {
      found = keyValues(sql, trailingCommentStart(sql));
    }
    if (found == null) {
      // Our sqlcommenter form further in: pgjdbc put it inside a rewritten call escape.
      Map<String, String> ours = SqlComment.parse(sql);
      if (!ours.isEmpty()) {
        found = new OriginComment(Format.SQLCOMMENTER, ours, null);
      }
    }
    if (found == null && leading >= 0) {
      found = plain(sql, leading);
    }
    return found;
  }

  public Format format() {
    return format;
  }

  /** Every field of a key-value format, decoded, in the written order; empty for a plain one. */
  public Map<String, String> fields() {
    return fields;
  }

  /**
   * The most specific origin the comment names: its route; else a Rails-style {@code
   * controller#action} (or whichever of the two is there); else {@code job:<name>}; else the
   * service that sent it (Datadog's {@code ddps}); else a plain comment's text, trimmed. Null when
   * it names none (the OpenTelemetry agent's {@code /*traceparent='…'*}{@code /} alone).
   */
  public String label() {
    if (format == Format.PLAIN) {
      return text;
    }
    String route = nonEmpty(fields.get(CommentField.ROUTE.key()));
    if (route != null) {
      return route;
    }
    String controller = nonEmpty(fields.get("controller"));
    String action = nonEmpty(fields.get("action"));
    if (controller != null || action != null) {
      return controller == null ? action : action == null ? controller : controller + '#' + action;
    }
    String job = nonEmpty(fields.get("job"));
    if (job != null) {
      return "job:" + job;
    }
    return nonEmpty(fields.get("ddps"));
  }

  /** The request ID ({@code request_id}), or null. */
  public String requestId() {
    return nonEmpty(fields.get(CommentField.REQUEST_ID.key()));
  }

  /** The W3C traceparent, or null. */
  public String traceparent() {
    return nonEmpty(fields.get(CommentField.TRACEPARENT.key()));
  }

  /** The application the comment names (QueryLogs' {@code application}), or null. */
  public String application() {
    return nonEmpty(fields.get("application"));
  }

  @Override
  public String toString() {
    return format + (format == Format.PLAIN ? "[" + text + "]" : fields.toString());
  }

  /**
   * Where the last comment of {@code sql} starts when the text ends with it (before an optional
   * {@code ;}), or -1. Walks back over nesting, as PostgreSQL reads nested block comments.
   */
  private static int trailingCommentStart(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
      end--;
    }
    if (end < 4 || !sql.startsWith("*/", end - 2)) {
      return -1;
    }
    int depth = 0;
    for (int i = end - 1; i > 0; i--) {
      char c = sql.charAt(i);
      char before = sql.charAt(i - 1);
      if (before == '*' && c == '/') {
        depth++;
        i--;
      } else if (before == '/' && c == '*') {
        depth--;
        i--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /** A sqlcommenter, Datadog or QueryLogs comment at {@code start}, or null. */
  private static OriginComment keyValues(String sql, int start) {
    if (start < 0 || !sql.startsWith("/*", start)) {
      return null;
    }
    Map<String, String> fields = SqlComment.parseFields(sql, start, false);
    if (fields != null) {
      for (String key : DATADOG_KEYS) {
        if (fields.containsKey(key)) {
          return new OriginComment(Format.DATADOG, fields, null);
        }
      }
      return new OriginComment(Format.SQLCOMMENTER, fields, null);
    }
    int end = SqlComment.endOfBlockComment(sql, start);
    fields = end < 0 ? null : queryLogs(sql.substring(start + 2, end - 2));
    return fields == null ? null : new OriginComment(Format.QUERY_LOGS, fields, null);
  }

  /**
   * {@code application:Blog,controller:posts,action:index}: every part a {@code key:value} with a
   * lower-case key, as Rails writes them; a part without a colon belongs to the value before it
   * (neither Rails nor marginalia escapes a comma in a value). Null when it is not of that form.
   */
  private static Map<String, String> queryLogs(String body) {
    Map<String, String> fields = new LinkedHashMap<>();
    String lastKey = null;
    for (String part : body.strip().split(",", -1)) {
      int colon = part.indexOf(':');
      if (colon > 0 && isQueryLogsKey(part, colon)) {
        lastKey = part.substring(0, colon);
        fields.put(lastKey, part.substring(colon + 1));
      } else if (lastKey != null) {
        fields.put(lastKey, fields.get(lastKey) + ',' + part);
      } else {
        return null;
      }
    }
    // One pair alone is as likely a sentence ("/* note: slow */"): a QueryLogs comment names its
    // application, controller, action or job.
    return fields.containsKey("application")
            || fields.containsKey("controller")
            || fields.containsKey("action")
            || fields.containsKey("job")
        ? fields
        : null;
  }

  private static boolean isQueryLogsKey(String part, int end) {
    for (int i = 0; i < end; i++) {
      char c = part.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** A plain block or line comment at {@code start}: its text, trimmed, or null when empty. */
  private static OriginComment plain(String sql, int start) {
    String body;
    if (sql.startsWith("/*", start)) {
      int end = SqlComment.endOfBlockComment(sql, start);
      body = sql.substring(start + 2, end < 0 ? sql.length() : end - 2);
    } else if (sql.startsWith("--", start)) {
      int end = sql.indexOf('\n', start);
      body = sql.substring(start + 2, end < 0 ? sql.length() : end);
    } else {
      return null;
    }
    String text = nonEmpty(body.strip());
    return text == null ? null : new OriginComment(Format.PLAIN, Collections.emptyMap(), text);
  }

  private static String nonEmpty(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
