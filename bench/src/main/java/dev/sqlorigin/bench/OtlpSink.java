package dev.sqlorigin.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;

/**
 * An OTLP/HTTP endpoint that reads and accepts whatever is exported to it (an empty protobuf
 * message is a valid answer): what the exporting costs the app, without a collector's own work on
 * this shared machine.
 */
final class OtlpSink implements AutoCloseable {

  /** Stands for the sink's address in a configuration's settings. */
  static final String ADDRESS = "{otlp}";

  private final HttpServer server;

  private OtlpSink(HttpServer server) {
    this.server = server;
  }

  static OtlpSink start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    return new OtlpSink(server);
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
