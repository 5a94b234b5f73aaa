package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy the fault tests put between an application and its database, against an echo server.
 */
class TcpProxyTest {

  private ServerSocket echo;
  private TcpProxy proxy;

  @BeforeEach
  void start() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try {
                  Socket socket = echo.accept();
                  Thread pump =
                      new Thread(
                          () -> {
                            try (socket) {
                              socket.getInputStream().transferTo(socket.getOutputStream());
                            } catch (IOException ignored) {
                              // the test closed it
                            }
                          });
                  pump.setDaemon(true);
                  pump.start();
                } catch (IOException closed) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void blackholedConnectionsGetNoAnswerWhileForwardedOnesKeepWorking() throws IOException {
    try (Socket before = connect()) {
      assertEquals('a', roundTrip(before, 'a'));
      proxy.blackholeNewConnections();
      try (Socket held = connect()) {
        held.getOutputStream().write('b');
        // An absence, bounded: a forwarded byte comes back in well under a millisecond here.
        held.setSoTimeout(500);
        assertThrows(SocketTimeoutException.class, () -> held.getInputStream().read());
        assertEquals('c', roundTrip(before, 'c'), "a connection opened before must still work");
      }
      assertEquals(1, proxy.blackholed());
      proxy.forward();
      try (Socket after = connect()) {
        assertEquals('d', roundTrip(after, 'd'));
      }
    }
  }

  @Test
  void refusedConnectionsAreClosedAndDropAllCutsOpenOnes() throws IOException {
    try (Socket open = connect()) {
      assertEquals('a', roundTrip(open, 'a'));
      proxy.refuseNewConnections();
      try (Socket refused = connect()) {
        refused.setSoTimeout(10_000);
        assertEquals(-1, readOrEnd(refused.getInputStream()));
      }
      proxy.dropAll();
      open.setSoTimeout(10_000);
      assertEquals(-1, readOrEnd(open.getInputStream()));
    }
  }

  private Socket connect() throws IOException {
    return new Socket(InetAddress.getLoopbackAddress(), proxy.port());
  }

  private static int roundTrip(Socket socket, char c) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(c);
    out.flush();
    socket.setSoTimeout(10_000);
    return socket.getInputStream().read();
  }

  /** The next byte, or -1 for a closed or reset connection. */
  private static int readOrEnd(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }
}
