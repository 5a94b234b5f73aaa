package dev.sqlorigin.comment;

import java.util.Random;

/** Generates strings built to break a SQL comment: terminators, quotes, controls, odd unicode. */
final class HostileStrings {

  private static final String[] PIECES = {
    "*/",
    "/*",
    "*",
    "/",
    "'",
    "''",
    "\"",
    "\\",
    "\\'",
    "--",
    ";",
    "\u0000",
    "\n",
    "\r",
    "\t",
    "?",
    "$$",
    "$1",
    "{",
    "}",
    "%",
    "%2A",
    "%2",
    "=",
    ",",
    " ",
    "*/ DROP TABLE t; --",
    "/*+ hint */",
    "é",
    "日本",
    "\uD83D\uDE00",
    "\uD800",
    "\uDFFF",
    "\u007F",
    "\u2028",
    "sqlorigin",
    "route='x'",
    "request_id='",
    "GET /owners/{id}",
    "abc",
    "42"
  };

  private final Random random;

  HostileStrings(long seed) {
    random = new Random(seed);
  }

  String next() {
    int parts = random.nextInt(8);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      if (random.nextInt(4) == 0) {
        out.append((char) random.nextInt(Character.MAX_VALUE + 1));
      } else {
        out.append(PIECES[random.nextInt(PIECES.length)]);
      }
    }
    return out.toString();
  }

  /** What a value reads back as: lone surrogates have no UTF-8 form and come back as U+FFFD. */
  static String expectedRoundTrip(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        out.append(c).append(value.charAt(++i));
      } else {
        out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return out.toString();
  }
}
