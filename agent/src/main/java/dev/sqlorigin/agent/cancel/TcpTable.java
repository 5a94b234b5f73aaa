package dev.sqlorigin.agent.cancel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The sockets of this JVM's network namespace that the peer has closed ({@code CLOSE_WAIT}), read
 * from Linux's {@code /proc/net/tcp} and {@code tcp6}. Servlet containers do not report an HTTP/1.1
 * client that went away while the request runs; the kernel does.
 */
final class TcpTable {

  // tcp6 first: Java's server sockets are dual-stack by default, so IPv4 clients are listed there.
  private static final List<Path> TABLES =
      List.of(Paths.get("/proc/net/tcp6"), Paths.get("/proc/net/tcp"));
  private static final String CLOSE_WAIT = "08";

  private TcpTable() {}

  static boolean available() {
    return TABLES.stream().anyMatch(Files::isReadable);
  }

  /**
   * Which of {@code wanted} ({@code localPort << 16 | remotePort} keys) are sockets in CLOSE_WAIT.
   * Reading a table costs the kernel a walk of its whole socket hash table (about 5 ms here,
   * whatever the number of sockets), so the second table is read only when the first did not list
   * every wanted socket; lines are parsed by hand, ports first, the state only of wanted sockets.
   */
  static Set<Integer> closeWait(Set<Integer> wanted) throws IOException {
    Set<Integer> closed = new HashSet<>();
    Set<Integer> seen = new HashSet<>();
    for (Path table : TABLES) {
      if (seen.size() == wanted.size() || !Files.isReadable(table)) {
        continue;
      }
      String text = new String(Files.readAllBytes(table), StandardCharsets.US_ASCII);
      int line = text.indexOf('\n') + 1; // after the header
      while (line > 0 && line < text.length()) {
        int next = text.indexOf('\n', line);
        int end = next < 0 ? text.length() : next;
        // "   0: 0100007F:1F90 0100007F:C350 08 ..." : sl, local, remote, state
        int local = field(text, line, end, 1);
        int remote = field(text, line, end, 2);
        if (local >= 0 && remote >= 0) {
          int key = key(port(text, local), port(text, remote));
          if (wanted.contains(key)) {
            seen.add(key);
            int state = field(text, line, end, 3);
            if (state >= 0 && text.startsWith(CLOSE_WAIT, state)) {
              closed.add(key);
            }
          }
        }
        line = next + 1;
      }
    }
    return closed;
  }

  /** The start of the {@code index}-th space-separated field of the line, or -1. */
  private static int field(String text, int from, int end, int index) {
    int i = from;
    for (int field = 0; ; field++) {
      while (i < end && text.charAt(i) == ' ') {
        i++;
      }
      if (i >= end) {
        return -1;
      }
      if (field == index) {
        return i;
      }
      while (i < end && text.charAt(i) != ' ') {
        i++;
      }
    }
  }

  /** The hex port after the colon of the address field that starts at {@code at}. */
  private static int port(String text, int at) {
    int colon = text.indexOf(':', at);
    int port = 0;
    for (int i = colon + 1; i < text.length() && text.charAt(i) != ' '; i++) {
      port = port << 4 | Character.digit(text.charAt(i), 16);
    }
    return port;
  }

  static int key(int localPort, int remotePort) {
    return localPort << 16 | remotePort;
  }
}
