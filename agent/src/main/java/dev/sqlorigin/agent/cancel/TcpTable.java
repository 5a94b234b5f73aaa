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
 * from Linux's {@code /proc/net/tcp} and {@code tcp6}. Servlet containers do not report an
 * HTTP/1.1 client that went away while the request runs; the kernel does.
 */
final class TcpTable {

  private static final List<Path> TABLES = List.of(Paths.get("/proc/net/tcp"), Paths.get("/proc/net/tcp6"));
  private static final String CLOSE_WAIT = "08";

  private TcpTable() {
  }

  static boolean available() {
    return Files.isReadable(TABLES.get(0));
  }

  /** {@code localPort << 16 | remotePort} of each socket in CLOSE_WAIT. */
  static Set<Integer> closeWaitPorts() throws IOException {
    Set<Integer> ports = new HashSet<>();
    for (Path table : TABLES) {
      if (!Files.isReadable(table)) {
        continue;
      }
      List<String> lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
      for (int i = 1; i < lines.size(); i++) {
        // "  sl  local_address rem_address   st ..." with addresses as HEXIP:HEXPORT
        String[] fields = lines.get(i).trim().split("\\s+");
        if (fields.length > 3 && CLOSE_WAIT.equals(fields[3])) {
          ports.add(key(port(fields[1]), port(fields[2])));
        }
      }
    }
    return ports;
  }

  static int key(int localPort, int remotePort) {
    return localPort << 16 | remotePort;
  }

  private static int port(String address) {
    return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
  }
}
