package dev.sqlorigin.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection, just enough client for GET requests to the sample app.
 *
 * <p>Plain sockets rather than {@code java.net.http.HttpClient}: the generator shares the machine
 * with the application and PostgreSQL, so it should cost little CPU, and it should hold exactly one
 * connection per worker so that "N connections" means N requests in flight, no more.
 */
final class HttpConnection implements Closeable {

  /** What the load generator needs of a response; the body is read and dropped. */
  record Response(int status, boolean echoedRequestId) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final StringBuilder line = new StringBuilder(128);
  // Our own buffer: BufferedInputStream locks on every read(), and headers are read byte by byte.
  private final byte[] buffer = new byte[16 * 1024];
  private int position;
  private int limit;
  private boolean open = true;

  HttpConnection(int port, int timeoutMillis) throws IOException {
    socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(timeoutMillis);
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** The bytes of {@code GET path}, built once per path so that sending allocates nothing. */
  static byte[] get(String path, int port) {
    return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether the server left the connection open after the last response. */
  boolean isOpen() {
    return open;
  }

  Response send(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    return readResponse();
  }

  private Response readResponse() throws IOException {
    String statusLine = readLine();
    // "HTTP/1.1 200 OK"
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP response: " + statusLine);
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean echoed = false;
    for (String header = readLine(); !header.isEmpty(); header = readLine()) {
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon);
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        open = !value.equalsIgnoreCase("close");
      } else if (name.equalsIgnoreCase("X-Request-Id")) {
        echoed = true;
      }
    }
    if (chunked) {
      skipChunkedBody();
    } else if (contentLength >= 0) {
      skip(contentLength);
    } else {
      open = false; // the body runs to the end of the connection: not something the app does
    }
    return new Response(status, echoed);
  }

  private void skipChunkedBody() throws IOException {
    while (true) {
      String sizeLine = readLine();
      int extension = sizeLine.indexOf(';');
      long size =
          Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
      if (size == 0) {
        while (!readLine().isEmpty()) {
          // trailers
        }
        return;
      }
      skip(size);
      readLine(); // the CRLF after the chunk
    }
  }

  /** A header line without its CRLF; ASCII is enough for what is parsed here. */
  private String readLine() throws IOException {
    line.setLength(0);
    while (true) {
      if (position == limit) {
        fill();
      }
      int b = buffer[position++] & 0xFF;
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      line.append((char) b);
    }
  }

  private void skip(long count) throws IOException {
    while (count > 0) {
      if (position == limit) {
        fill();
      }
      int n = (int) Math.min(count, limit - position);
      position += n;
      count -= n;
    }
  }

  private void fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n < 0) {
      throw new EOFException("connection closed by the server");
    }
    position = 0;
    limit = n;
  }

  @Override
  public void close() {
    open = false;
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do about it
    }
  }
}
