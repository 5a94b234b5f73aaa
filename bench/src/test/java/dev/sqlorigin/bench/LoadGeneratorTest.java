package dev.sqlorigin.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The load generator against a local server that answers every request at once, with its whole
 * response in one write (the JDK's HTTP server writes headers and body apart, and Nagle's algorithm
 * then holds every answer for the client's delayed acknowledgement).
 */
@Timeout(30)
class LoadGeneratorTest {

  private static final byte[] ANSWER =
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII);

  private ServerSocket server;
  private final AtomicLong served = new AtomicLong();

  @BeforeEach
  void startServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "test-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread connection = new Thread(() -> answer(socket), "test-connection");
        connection.setDaemon(true);
        connection.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Answers each request (a GET: its headers end with an empty line) until the client closes. */
  private void answer(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      int matched = 0;
      int b;
      while ((b = in.read()) >= 0) {
        matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        if (matched == 4) {
          out.write(ANSWER);
          out.flush();
          served.incrementAndGet();
          matched = 0;
        }
      }
    } catch (IOException gone) {
      // the client closed its connection
    }
  }

  @AfterEach
  void stopServer() throws IOException {
    server.close();
  }

  @Test
  void pacedLoadSendsItsRateAndNoMore() throws InterruptedException {
    LoadGenerator.Result result = load(200, Duration.ofSeconds(2));

    // 400 planned sends in 2 s; a closed loop against this server would send thousands.
    assertTrue(result.ok() <= 400, "sent more than its pace: " + result.ok());
    assertTrue(result.ok() >= 300, "fell far behind a server that answers at once: " + result.ok());
    assertTrue(served.get() >= result.ok(), "counted an answer the server never sent");
  }

  @Test
  void closedLoopSendsAsFastAsTheServerAnswers() throws InterruptedException {
    LoadGenerator.Result result = load(0, Duration.ofSeconds(1));

    assertTrue(result.ok() > 400, "a closed loop waits for nothing but answers: " + result.ok());
  }

  /** Four connections at {@code rate} requests per second (0: a closed loop), without an error. */
  private LoadGenerator.Result load(int rate, Duration duration) throws InterruptedException {
    LoadGenerator.Result result =
        new LoadGenerator(server.getLocalPort(), 4, LoadGenerator.Workload.OWNERS, rate)
            .run(duration, 1);
    assertEquals(0, result.errors(), "errors against a server that answers everything");
    return result;
  }
}
