package dev.sqlorigin.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client over a plain socket: it sends paths and header values as
 * given, which a well-behaved client library would refuse to (the point of the hostile-input
 * tests).
 */
public final class Http {

  private Http() {}

  /** A response: status, headers (lower-case names) and body. */
  public record Response(int status, Map<String, String> headers, String body)
      implements ProbeAnswer {
    @Override
    public boolean ok() {
      return status == 200;
    }

    @Override
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  public static Response get(int port, String target, String... headerLines) throws IOException {
    return send(port, "GET", target, headerLines);
  }

  /** A GET that must answer 200, for use in lambdas (no checked exception). */
  public static Response getOk(int port, String target, String... headerLines) {
    try {
      Response response = get(port, target, headerLines);
      if (response.status() != 200) {
        throw new AssertionError(
            "GET " + target + " answered " + response.status() + ": " + response.body());
      }
      return response;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static Response post(int port, String target, String... headerLines) throws IOException {
    return send(port, "POST", target, headerLines);
  }

  public static Response send(int port, String method, String target, String... headerLines)
      throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(120_000);
      StringBuilder request =
          new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      for (String header : headerLines) {
        request.append(header).append("\r\n");
      }
      request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return read(socket.getInputStream());
    }
  }

  private static Response read(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    String raw = new String(all, StandardCharsets.ISO_8859_1);
    int split = raw.indexOf("\r\n\r\n");
    if (split < 0) {
      throw new IOException("no complete response: " + raw);
    }
    String[] lines = raw.substring(0, split).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(all, split + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < body.length) {
      int lineEnd = i;
      while (lineEnd + 1 < body.length && !(body[lineEnd] == '\r' && body[lineEnd + 1] == '\n')) {
        lineEnd++;
      }
      String sizeText =
          new String(body, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
      int size = Integer.parseInt(sizeText, 16);
      if (size == 0) {
        break;
      }
      out.write(body, lineEnd + 2, size);
      i = lineEnd + 2 + size + 2;
    }
    return out.toByteArray();
  }
}
