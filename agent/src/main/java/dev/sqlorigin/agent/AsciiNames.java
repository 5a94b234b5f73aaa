package dev.sqlorigin.agent;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Set;

/**
 * A few ASCII names (the methods the instrumentations advise: {@code execute}, {@code doFilter},
 * ...) recognised among a class file's UTF-8 constants by their bytes. The class-header filter asks
 * about every method of nearly every class that loads, and almost always the answer is no: a string
 * made for each method's name to ask a set was a quarter of what the filter allocated and an eighth
 * of its time on a Spring Boot start.
 */
final class AsciiNames {

  private final Set<String> names;
  // byLength[n]: the names of n characters, as bytes.
  private final byte[][][] byLength;

  private AsciiNames(Set<String> names, byte[][][] byLength) {
    this.names = names;
    this.byLength = byLength;
  }

  /** {@code names}, each of ASCII characters (a Java identifier of the advice's). */
  static AsciiNames of(Collection<String> names) {
    int longest = 0;
    for (String name : names) {
      for (int i = 0; i < name.length(); i++) {
        if (name.charAt(i) == 0 || name.charAt(i) > 0x7F) {
          throw new IllegalArgumentException("not an ASCII name: " + name);
        }
      }
      longest = Math.max(longest, name.length());
    }
    byte[][][] byLength = new byte[longest + 1][0][];
    for (String name : names) {
      byte[][] same = byLength[name.length()];
      same = Arrays.copyOf(same, same.length + 1);
      same[same.length - 1] = name.getBytes(StandardCharsets.US_ASCII);
      byLength[name.length()] = same;
    }
    return new AsciiNames(Set.copyOf(names), byLength);
  }

  /**
   * Whether the {@code length} bytes of {@code bytes} from {@code at} spell one of the names (a
   * modified UTF-8 name that is not ASCII never does).
   */
  boolean contains(byte[] bytes, int at, int length) {
    if (length >= byLength.length) {
      return false;
    }
    for (byte[] name : byLength[length]) {
      if (Arrays.equals(name, 0, length, bytes, at, at + length)) {
        return true;
      }
    }
    return false;
  }

  Set<String> names() {
    return names;
  }
}
