package dev.sqlorigin.cli.render;

/**
 * Makes text from the database safe to print: anything a client could have put in a comment or an
 * {@code application_name} (ANSI escapes, other control characters, bidirectional overrides,
 * zero-width characters) is shown as a visible escape (ESC as {@code \x1b}, U+202E as a backslash-u
 * escape) instead of reaching the terminal, and long values are cut.
 */
public final class Inert {

  private static final String ELLIPSIS = "…";

  private Inert() {}

  /**
   * {@code value} on one line: runs of whitespace (newlines, tabs) become one space, every other
   * invisible or controlling character an escape; cut to {@code max} characters with an ellipsis.
   * Null becomes the empty string.
   */
  public static String line(String value, int max) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), max + 8));
    int shown = 0; // code points in out
    boolean space = false;
    for (int i = 0; i < value.length() && shown <= max; ) {
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        space = shown > 0;
        continue;
      }
      if (space) {
        out.append(' ');
        shown++;
        space = false;
      }
      if (isInvisible(c)) {
        String escape = c <= 0xFF ? String.format("\\x%02x", c) : String.format("\\u%04x", c);
        out.append(escape);
        shown += escape.length();
      } else {
        out.appendCodePoint(c);
        shown++;
      }
    }
    if (shown > max) {
      out.setLength(out.offsetByCodePoints(0, Math.max(0, max - 1)));
      out.append(ELLIPSIS);
    }
    return out.toString();
  }

  /**
   * C0 and C1 controls, DEL, and characters that change how the rest is shown without being shown
   * themselves: format characters (bidirectional overrides, zero-width joiners), line and paragraph
   * separators, private-use, unassigned and lone surrogate code points.
   */
  static boolean isInvisible(int c) {
    if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
      return true;
    }
    switch (Character.getType(c)) {
      case Character.FORMAT:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.PRIVATE_USE:
      case Character.UNASSIGNED:
      case Character.SURROGATE:
      case Character.CONTROL:
        return true;
      default:
        return false;
    }
  }
}
