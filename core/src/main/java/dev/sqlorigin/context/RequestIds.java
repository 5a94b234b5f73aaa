package dev.sqlorigin.context;

import java.util.concurrent.ThreadLocalRandom;

/** Validates incoming request IDs and makes new ones. */
public final class RequestIds {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /**
   * Returns {@code incoming} when it is a plausible request ID: 1 to {@code maxLength} characters
   * among letters, digits and {@code - _ . : + = @ /} (UUIDs, Heroku's and most routers' IDs,
   * base64). Anything else (too long, spaces, quotes, comment markers, control characters) returns
   * null, and the caller generates a replacement: the ID is echoed to clients and written to logs,
   * so a value that could mislead them is never passed on.
   */
  public static String accept(String incoming, int maxLength) {
    if (incoming == null || incoming.isEmpty() || incoming.length() > maxLength) {
      return null;
    }
    for (int i = 0; i < incoming.length(); i++) {
      char c = incoming.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == ':'
              || c == '+'
              || c == '='
              || c == '@'
              || c == '/';
      if (!ok) {
        return null;
      }
    }
    return incoming;
  }

  /**
   * A new 128-bit random ID, 32 lower-case hex digits (the W3C trace-id form). ThreadLocalRandom
   * rather than UUID.randomUUID(): a request ID needs to be unique, not unguessable, and
   * SecureRandom costs microseconds per call.
   */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[32];
    long high = random.nextLong();
    long low = random.nextLong();
    for (int i = 0; i < 16; i++) {
      out[15 - i] = HEX[(int) (high >>> (4 * i)) & 0xF];
      out[31 - i] = HEX[(int) (low >>> (4 * i)) & 0xF];
    }
    return new String(out);
  }
}
