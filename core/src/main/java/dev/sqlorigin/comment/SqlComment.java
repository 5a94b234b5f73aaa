package dev.sqlorigin.comment;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes, places and reads back sqlorigin's SQL comment.
 *
 * <p>Values are percent-encoded so that no input can close the comment ({@code *}{@code /}), open a
 * nested one ({@code /*}: PostgreSQL nests block comments), or carry a quote, a backslash, a
 * control character or a placeholder ({@code ?}). Everything the encoder emits is printable ASCII.
 */
public final class SqlComment {

  static final String MARKER = "/*sqlorigin ";
  private static final String COMMENTER_REQUEST_ID = "/*" + CommentField.REQUEST_ID.key() + "='";
  private static final String COMMENTER_ROUTE = "/*" + CommentField.ROUTE.key() + "='";
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private SqlComment() {}

  /**
   * Renders {@code fields} (key to value, in the order to show them; null or empty values are left
   * out) as a complete block comment, or returns null when no field has a value.
   */
  public static String render(CommentFormat format, Map<String, String> fields) {
    Map<String, String> ordered =
        format == CommentFormat.SQLCOMMENTER ? new TreeMap<>(fields) : fields;
    StringBuilder out = new StringBuilder(64);
    for (Map.Entry<String, String> field : ordered.entrySet()) {
      String value = field.getValue();
      if (value == null || value.isEmpty()) {
        continue;
      }
      if (out.length() == 0) {
        out.append(format == CommentFormat.SQLCOMMENTER ? "/*" : MARKER);
      } else {
        out.append(format == CommentFormat.SQLCOMMENTER ? ',' : ' ');
      }
      out.append(field.getKey()).append("='");
      encode(out, value, format == CommentFormat.SQLCOMMENTER);
      out.append('\'');
    }
    return out.length() == 0 ? null : out.append("*/").toString();
  }

  /**
   * Places {@code comment} at the front of {@code sql}: after a leading {@code pg_hint_plan} hint
   * block (the hint must stay the first comment), and after the {@code call} keyword of a JDBC
   * escape ({@code {call f(?)}}, {@code {? = call f(?)}}) because pgjdbc discards anything before
   * the brace when it rewrites the escape. Returns {@code sql} itself when it already carries a
   * sqlorigin comment there (a pool proxy calling its driver, nested driver calls), when the
   * comment is null, or when the SQL starts with an unterminated hint.
   */
  public static String insert(String sql, String comment) {
    if (sql == null || comment == null) {
      return sql;
    }
    int at = insertionPoint(sql);
    if (at < 0 || isOursAt(sql, skipWhitespace(sql, at))) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length() + comment.length() + 2);
    if (at == 0) {
      return out.append(comment).append(' ').append(sql).toString();
    }
    out.append(sql, 0, at);
    if (!Character.isWhitespace(sql.charAt(at - 1))) {
      out.append(' ');
    }
    return out.append(comment).append(' ').append(sql, at, sql.length()).toString();
  }

  /** Whether {@code sql} carries a sqlorigin comment where {@link #insert} would put one. */
  public static boolean isTagged(String sql) {
    int at = insertionPoint(sql);
    return at >= 0 && isOursAt(sql, skipWhitespace(sql, at));
  }

  /**
   * Adds {@code key='value'} at the end of a comment {@link #render} made (or makes one of it alone
   * when {@code comment} is null). The key must sort after the comment's keys, so that the
   * sqlcommenter format stays sorted, and the value must need no encoding.
   */
  public static String withField(CommentFormat format, String comment, String key, String value) {
    if (comment == null) {
      return render(format, Collections.singletonMap(key, value));
    }
    String separator = format == CommentFormat.SQLCOMMENTER ? "," : " ";
    return comment.substring(0, comment.length() - 2) + separator + key + "='" + value + "'*/";
  }

  /** The fields of the sqlorigin comment where {@link #insert} puts it, or an empty map. */
  public static Map<String, String> leadingFields(String sql) {
    int at = sql == null ? -1 : insertionPoint(sql);
    if (at < 0) {
      return Collections.emptyMap();
    }
    at = skipWhitespace(sql, at);
    Map<String, String> fields = isOursAt(sql, at) ? parseAt(sql, at) : null;
    return fields == null ? Collections.emptyMap() : fields;
  }

  /**
   * {@code sql} as the application wrote it: without the sqlorigin comment {@link #insert} put
   * there.
   */
  public static String strip(String sql) {
    int at = sql == null ? -1 : insertionPoint(sql);
    if (at < 0) {
      return sql;
    }
    int start = skipWhitespace(sql, at);
    if (!isOursAt(sql, start)) {
      return sql;
    }
    int end = endOfBlockComment(sql, start);
    if (end < 0) {
      return sql;
    }
    // insert() added one space after the comment, and the whitespace before it (after a hint).
    int after = end < sql.length() && sql.charAt(end) == ' ' ? end + 1 : end;
    return sql.substring(0, at) + sql.substring(after);
  }

  /**
   * Reads the first sqlorigin comment found in {@code sql} (either format, anywhere in the text, so
   * that it also works on what PostgreSQL shows after pgjdbc rewrote a call escape). Returns the
   * decoded fields in their written order, or an empty map when there is none.
   */
  public static Map<String, String> parse(String sql) {
    if (sql == null) {
      return Collections.emptyMap();
    }
    for (int start = sql.indexOf("/*"); start >= 0; start = sql.indexOf("/*", start + 2)) {
      Map<String, String> fields = parseAt(sql, start);
      if (fields != null) {
        return fields;
      }
    }
    return Collections.emptyMap();
  }

  static int insertionPoint(String sql) {
    int i = skipWhitespace(sql, 0);
    if (sql.startsWith("/*+", i)) {
      return endOfBlockComment(sql, i);
    }
    if (i < sql.length() && sql.charAt(i) == '{') {
      int body = afterCallKeyword(sql, i + 1);
      if (body >= 0) {
        return body;
      }
    }
    return 0;
  }

  /**
   * Ours when the marker is there, or, in the sqlcommenter format, when the comment opens with one
   * of our keys (keys are sorted, so ours come first). A prefix test, not a parse: it runs on every
   * nested JDBC call.
   */
  private static boolean isOursAt(String sql, int i) {
    return sql.startsWith(MARKER, i)
        || sql.startsWith(COMMENTER_REQUEST_ID, i)
        || sql.startsWith(COMMENTER_ROUTE, i);
  }

  /** The index just after the block comment that starts at {@code start}, or -1 if unterminated. */
  static int endOfBlockComment(String sql, int start) {
    int depth = 0;
    for (int i = start; i < sql.length() - 1; i++) {
      char c = sql.charAt(i);
      char next = sql.charAt(i + 1);
      if (c == '/' && next == '*') {
        depth++;
        i++;
      } else if (c == '*' && next == '/') {
        depth--;
        i++;
        if (depth == 0) {
          return i + 1;
        }
      }
    }
    return -1;
  }

  /**
   * Follows pgjdbc's grammar for {@code { [? =] call name(...) }} from just after the brace, and
   * returns the index after the whitespace that follows {@code call}, or -1.
   */
  private static int afterCallKeyword(String sql, int i) {
    i = skipWhitespace(sql, i);
    if (i < sql.length() && sql.charAt(i) == '?') {
      i = skipWhitespace(sql, i + 1);
      if (i >= sql.length() || sql.charAt(i) != '=') {
        return -1;
      }
      i = skipWhitespace(sql, i + 1);
    }
    if (!sql.regionMatches(true, i, "call", 0, 4)
        || i + 4 >= sql.length()
        || !Character.isWhitespace(sql.charAt(i + 4))) {
      return -1;
    }
    return i + 5;
  }

  static int skipWhitespace(String sql, int i) {
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    return i;
  }

  private static void encode(StringBuilder out, String value, boolean strict) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        if (strict ? isUnreserved(c) : isReadableSafe(c)) {
          out.append(c);
        } else {
          percent(out, c);
        }
        continue;
      }
      int codePoint = c;
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        codePoint = Character.toCodePoint(c, value.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        codePoint = 0xFFFD; // a lone surrogate has no UTF-8 form
      }
      for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
        percent(out, b & 0xFF);
      }
    }
  }

  private static boolean isReadableSafe(char c) {
    return c >= 0x20 && c < 0x7F && c != '%' && c != '\'' && c != '*' && c != '\\' && c != '?';
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static void percent(StringBuilder out, int b) {
    out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
  }

  /**
   * Parses a comment at {@code start} ({@code /*} there) of either format; null when it is not a
   * well-formed comment of ours.
   */
  private static Map<String, String> parseAt(String sql, int start) {
    boolean readable = sql.startsWith(MARKER, start);
    Map<String, String> fields = parseFields(sql, start, readable);
    boolean ours =
        readable
            || fields != null
                && (fields.containsKey(CommentField.ROUTE.key())
                    || fields.containsKey(CommentField.REQUEST_ID.key()));
    return ours ? fields : null;
  }

  /**
   * The decoded {@code key='value'} fields of the comment at {@code start}, whatever its keys:
   * after the marker and space-separated when {@code readable}, else comma-separated right after
   * the {@code /*} (sqlcommenter and the formats built on it). Null when the comment is not of that
   * form.
   */
  static Map<String, String> parseFields(String sql, int start, boolean readable) {
    int i = start + (readable ? MARKER.length() : 2);
    char separator = readable ? ' ' : ',';
    Map<String, String> fields = new LinkedHashMap<>();
    while (true) {
      int keyStart = i;
      while (i < sql.length()
          && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
        i++;
      }
      if (i == keyStart || !sql.startsWith("='", i)) {
        return null;
      }
      String key = sql.substring(keyStart, i);
      int valueStart = i + 2;
      int valueEnd = valueStart;
      while (valueEnd < sql.length() && sql.charAt(valueEnd) != '\'') {
        // sqlcommenter escapes a quote inside a value as \'
        valueEnd += sql.charAt(valueEnd) == '\\' ? 2 : 1;
      }
      if (valueEnd >= sql.length()) {
        return null;
      }
      fields.put(key, decode(sql.substring(valueStart, valueEnd).replace("\\'", "'")));
      i = valueEnd + 1;
      if (sql.startsWith("*/", i)) {
        return fields;
      }
      if (i >= sql.length() || sql.charAt(i) != separator) {
        return null;
      }
      i++;
    }
  }

  static String decode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    int i = 0;
    while (i < value.length()) {
      int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
      if (value.charAt(i) == '%' && lo >= 0) {
        bytes.write(hi << 4 | lo);
        i += 3;
      } else {
        int next = i + Character.charCount(value.codePointAt(i));
        byte[] raw = value.substring(i, next).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
        i = next;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
