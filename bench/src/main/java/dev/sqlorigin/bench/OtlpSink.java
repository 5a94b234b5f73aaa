package dev.sqlorigin.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OTLP/HTTP endpoint that reads and accepts whatever is exported to it (an empty protobuf
 * message is a valid answer), in a process of its own: what exporting costs the app is measured in
 * the app's own CPU time, and the receiver's work is neither counted there nor, where the harness
 * pins it to a core of its own, taken from the app's.
 */
final class OtlpSink implements AutoCloseable {

  /** Stands for the sink's address in a configuration's settings. */
  static final String ADDRESS = "{otlp}";

  private static final String LISTENING = "otlp sink listening on ";

  private final Process process;
  private final String endpoint;

  private OtlpSink(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts the sink as {@code prefix java -cp <this class path> OtlpSink}. */
  static OtlpSink start(List<String> prefix) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp"));
    command.add(System.getProperty("java.class.path"));
    command.add(OtlpSink.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith(LISTENING)) {
      process.destroyForcibly();
      throw new IOException("the OTLP sink did not start: " + line);
    }
    // Nothing more is printed; the pipe stays open until the sink exits.
    return new OtlpSink(process, line.substring(LISTENING.length()).trim());
  }

  String endpoint() {
    return endpoint;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The sink itself: prints its endpoint, then serves until it is stopped or the harness exits. */
  public static void main(String[] args) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    // Gone with the harness, however it ends (its shutdown hook cannot reach this process when it
    // is killed).
    ProcessHandle.current()
        .parent()
        .ifPresent(harness -> harness.onExit().thenRun(() -> System.exit(0)));
    System.out.println(LISTENING + "http://127.0.0.1:" + server.getAddress().getPort());
    System.out.flush();
  }
}
