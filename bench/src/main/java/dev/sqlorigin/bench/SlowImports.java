package dev.sqlorigin.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

/**
 * The sample app's slow imports as the cancellation harnesses use them: a request whose client
 * stays connected until it closes its socket, and its statement found in {@code pg_stat_activity}
 * by the request ID in its comment (the app runs with {@code sqlorigin.comment.fields} naming it).
 */
final class SlowImports {

  private SlowImports() {}

  /** Sends {@code POST /api/imports?seconds=N} and returns the client's socket, left open. */
  static Socket send(int port, String requestId, int seconds) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /api/imports?seconds="
                + seconds
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nX-Request-Id: "
                + requestId
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /**
   * Waits until {@code count} backends run a statement whose request ID is like {@code id} (a
   * {@code LIKE} pattern), polling every {@code poll}, for {@code timeout} at the most.
   */
  static void awaitRunning(String url, String id, int count, Duration poll, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection connection = DriverManager.getConnection(url);
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE state = 'active' AND query LIKE ? AND pid <> pg_backend_pid()")) {
      select.setString(1, "%request_id='" + id + "'%");
      while (System.nanoTime() < deadline) {
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == count) {
            return;
          }
        }
        Thread.sleep(poll.toMillis());
      }
    }
    throw new IllegalStateException(id + " never reached " + count + " running statements");
  }
}
