package dev.sqlorigin.agent.otel;

import java.util.Locale;

/**
 * A statement's text for {@code db.query.text}: literals replaced by {@code ?} (the semantic
 * conventions' default, since literals may carry personal data), and its operation name.
 */
public final class QueryText {

  private static final int MAX_OPERATION = 20;

  private QueryText() {}

  /**
   * Replaces string literals ({@code '…'}, {@code E'…'}, {@code $tag$…$tag$}) and numeric literals
   * with {@code ?}; keeps identifiers, quoted identifiers, parameters ({@code ?}, {@code $1}) and
   * comments.
   */
  public static String sanitize(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'') {
        boolean backslashes =
            out.length() > 0
                && (out.charAt(out.length() - 1) == 'E' || out.charAt(out.length() - 1) == 'e')
                && (out.length() == 1 || !isIdentifierPart(out.charAt(out.length() - 2)));
        if (backslashes) {
          out.setLength(out.length() - 1);
        }
        i = endOfQuoted(sql, i, backslashes);
        out.append('?');
      } else if (c == '"') {
        int end = sql.indexOf('"', i + 1);
        end = end < 0 ? n : end + 1;
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '/' && sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
        int tagEnd = dollarTagEnd(sql, i);
        String tag = sql.substring(i, tagEnd);
        int close = sql.indexOf(tag, tagEnd);
        i = close < 0 ? n : close + tag.length();
        out.append('?');
      } else if (Character.isDigit(c)
          && (out.length() == 0 || !isIdentifierPart(out.charAt(out.length() - 1)))) {
        while (i < n
            && (Character.isLetterOrDigit(sql.charAt(i))
                || sql.charAt(i) == '.'
                || (sql.charAt(i) == '+' || sql.charAt(i) == '-')
                    && (sql.charAt(i - 1) == 'e' || sql.charAt(i - 1) == 'E'))) {
          i++;
        }
        out.append('?');
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /**
   * The first keyword ({@code SELECT}, {@code UPDATE}, {@code CALL} of a JDBC call escape, ...) in
   * upper case, or null when the text does not start with one.
   */
  static String operation(String sql) {
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '{' || c == '(' || c == '?' || c == '=') {
        i++;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && i - start <= MAX_OPERATION && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return i == start || i - start > MAX_OPERATION
        ? null
        : sql.substring(start, i).toUpperCase(Locale.ROOT);
  }

  private static int endOfQuoted(String sql, int open, boolean backslashes) {
    int i = open + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslashes && c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return sql.length();
  }

  /**
   * The index after a dollar-quote opening tag ({@code $$}, {@code $body$}) at {@code i}, or -1.
   */
  private static int dollarTagEnd(String sql, int i) {
    if (i > 0 && isIdentifierPart(sql.charAt(i - 1))) {
      return -1;
    }
    int j = i + 1;
    while (j < sql.length()
        && (Character.isLetter(sql.charAt(j))
            || sql.charAt(j) == '_'
            || j > i + 1 && Character.isDigit(sql.charAt(j)))) {
      j++;
    }
    return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
  }

  private static boolean isIdentifierPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
