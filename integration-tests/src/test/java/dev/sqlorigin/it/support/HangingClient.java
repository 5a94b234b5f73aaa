package dev.sqlorigin.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** An HTTP/1.1 client that sends a request and then gives up on it by closing its socket. */
public final class HangingClient implements AutoCloseable {

  private final Socket socket;

  public static HangingClient get(int port, String target, String... headerLines)
      throws IOException {
    return new HangingClient(port, "GET", target, headerLines);
  }

  public static HangingClient post(int port, String target, String... headerLines)
      throws IOException {
    return new HangingClient(port, "POST", target, headerLines);
  }

  private HangingClient(int port, String method, String target, String... headerLines)
      throws IOException {
    socket = new Socket("127.0.0.1", port);
    StringBuilder request =
        new StringBuilder(
            method
                + " "
                + target
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (method.equals("GET") ? "" : "Content-Length: 0\r\n"));
    for (String header : headerLines) {
      request.append(header).append("\r\n");
    }
    OutputStream out = socket.getOutputStream();
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Gives up: the server's side of the connection goes to CLOSE_WAIT. */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
