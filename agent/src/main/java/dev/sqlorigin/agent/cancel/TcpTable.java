package dev.sqlorigin.agent.cancel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sockets of this JVM's network namespace that the peer has closed ({@code CLOSE_WAIT}), read
 * from Linux's {@code /proc/net/tcp} and {@code tcp6}. Servlet containers do not report an HTTP/1.1
 * client that went away while the request runs; the kernel does.
 */
final class TcpTable {

  private static final String CLOSE_WAIT = "08";

  // tcp6 first: Java's server sockets are dual-stack by default, so IPv4 clients are listed there.
  private final List<Path> tables;

  /** The tables {@code tcp6} and {@code tcp} of {@code directory} ({@code /proc/net}). */
  TcpTable(Path directory) {
    this.tables = List.of(directory.resolve("tcp6"), directory.resolve("tcp"));
  }

  boolean available() {
    return tables.stream().anyMatch(table -> Files.isRegularFile(table) && Files.isReadable(table));
  }

  /**
   * Which of {@code wanted} ({@code localPort << 16 | remotePort} keys) are sockets in CLOSE_WAIT.
   * Reading a table costs the kernel a walk of every socket of the namespace (from 3 ms with a few
   * to 20–50 ms with 10,000, on the hosts measured), so the second table is read only when the
   * first did not list every wanted socket; lines are parsed by hand, ports first, the state only
   * of wanted sockets. Throws when no table could be read.
   */
  Set<Integer> closeWait(Set<Integer> wanted) throws IOException {
    Set<Integer> closed = new HashSet<>();
    Set<Integer> seen = new HashSet<>();
    IOException failure = null;
    boolean read = false;
    for (Path table : tables) {
      if (seen.size() == wanted.size()) {
        break;
      }
      byte[] text;
      try {
        text = Files.readAllBytes(table);
      } catch (IOException e) {
        // A host may have only one of the two (no IPv6): the other still answers.
        failure = e;
        continue;
      }
      read = true;
      parse(text, wanted, seen, closed);
    }
    if (!read) {
      throw failure;
    }
    return closed;
  }

  private static void parse(
      byte[] text, Set<Integer> wanted, Set<Integer> seen, Set<Integer> closed) {
    int line = indexOf(text, '\n', 0) + 1; // after the header
    while (line > 0 && line < text.length) {
      int next = indexOf(text, '\n', line);
      int end = next < 0 ? text.length : next;
      // "   0: 0100007F:1F90 0100007F:C350 08 ..." : sl, local, remote, state
      int local = field(text, line, end, 1);
      int remote = field(text, line, end, 2);
      if (local >= 0 && remote >= 0) {
        int key = key(port(text, local, end), port(text, remote, end));
        if (wanted.contains(key)) {
          seen.add(key);
          int state = field(text, line, end, 3);
          if (state >= 0
              && state + 1 < end
              && text[state] == CLOSE_WAIT.charAt(0)
              && text[state + 1] == CLOSE_WAIT.charAt(1)) {
            closed.add(key);
          }
        }
      }
      line = next + 1;
    }
  }

  private static int indexOf(byte[] text, char c, int from) {
    for (int i = from; i < text.length; i++) {
      if (text[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The start of the {@code index}-th space-separated field of the line, or -1. */
  private static int field(byte[] text, int from, int end, int index) {
    int i = from;
    for (int field = 0; ; field++) {
      while (i < end && text[i] == ' ') {
        i++;
      }
      if (i >= end) {
        return -1;
      }
      if (field == index) {
        return i;
      }
      while (i < end && text[i] != ' ') {
        i++;
      }
    }
  }

  /** The hex port after the colon of the address field that starts at {@code at}. */
  private static int port(byte[] text, int at, int end) {
    int i = at;
    while (i < end && text[i] != ':') {
      i++;
    }
    int port = 0;
    for (i++; i < end && text[i] != ' '; i++) {
      port = port << 4 | Character.digit(text[i], 16);
    }
    return port;
  }

  static int key(int localPort, int remotePort) {
    return localPort << 16 | remotePort;
  }
}
