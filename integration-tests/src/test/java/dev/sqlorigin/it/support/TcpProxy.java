package dev.sqlorigin.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between an application under test and its database, for faults that need a network
 * path to break: it listens on an ephemeral loopback port and forwards every connection to the
 * target, until told otherwise. Changing the mode affects the connections accepted after the
 * change; connections already forwarded keep working (a pool's open connections stay healthy while
 * new ones fail), unless {@link #dropAll()} cuts them.
 *
 * <p>A blackholed connection is accepted and then never answered: nothing is read from it, nothing
 * is written to it, no upstream connection is opened, and it stays open until the proxy closes or
 * {@link #dropAll()}. That is a half-broken network path, a pooler at its client limit or a
 * firewall that drops packets, as a client sees it: pgjdbc's {@code Statement.cancel()} opens a new
 * connection for its cancel request, which then hangs until its own timeout.
 */
public final class TcpProxy implements AutoCloseable {

  /** What happens to the connections accepted from now on. */
  public enum Mode {
    /** Forwarded to the target, both ways. */
    FORWARD,
    /** Accepted and held open, never answered. */
    BLACKHOLE,
    /** Accepted and closed at once (the client sees the connection reset or closed). */
    REFUSE
  }

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger blackholed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile Mode mode = Mode.FORWARD;
  private volatile boolean closed;

  private TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy forwarding to {@code host:port}, listening on an ephemeral loopback port. */
  public static TcpProxy start(String host, int port) throws IOException {
    return new TcpProxy(host, port);
  }

  /**
   * A proxy in front of the database of {@code jdbcUrl} ({@code jdbc:postgresql://host:port/...});
   * {@link #jdbcUrl} gives the same URL through the proxy.
   */
  public static TcpProxy toDatabase(String jdbcUrl) throws IOException {
    java.net.URI uri = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
    return start(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
  }

  /** {@code jdbcUrl} with its host and port replaced by this proxy's. */
  public String jdbcUrl(String jdbcUrl) {
    return jdbcUrl.replaceFirst(
        "^jdbc:postgresql://[^/]+/", "jdbc:postgresql://127.0.0.1:" + port() + "/");
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted from now on are forwarded (the default). */
  public void forward() {
    mode = Mode.FORWARD;
  }

  /** Connections accepted from now on are held open and never answered. */
  public void blackholeNewConnections() {
    mode = Mode.BLACKHOLE;
  }

  /** Connections accepted from now on are closed at once. */
  public void refuseNewConnections() {
    mode = Mode.REFUSE;
  }

  public Mode mode() {
    return mode;
  }

  /** Connections accepted since the start, whatever became of them. */
  public int accepted() {
    return accepted.get();
  }

  /** Connections accepted in {@link Mode#BLACKHOLE} since the start. */
  public int blackholed() {
    return blackholed.get();
  }

  /** Connections accepted in {@link Mode#REFUSE} since the start. */
  public int refused() {
    return refused.get();
  }

  /**
   * Closes every connection open through the proxy (forwarded and blackholed, both sides), as a
   * network cut would; the proxy goes on accepting in its current mode.
   */
  public void dropAll() {
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    dropAll();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      accepted.incrementAndGet();
      Mode now = mode;
      if (now == Mode.REFUSE) {
        refused.incrementAndGet();
        closeQuietly(client);
      } else if (now == Mode.BLACKHOLE) {
        blackholed.incrementAndGet();
        open.add(client);
      } else {
        open.add(client);
        Thread connector = new Thread(() -> connect(client), "tcp-proxy-connect-" + port());
        connector.setDaemon(true);
        connector.start();
      }
    }
  }

  /** Opens the upstream connection and pumps both ways until either side closes. */
  private void connect(Socket client) {
    Socket upstream;
    try {
      upstream = new Socket(targetHost, targetPort);
      upstream.setTcpNoDelay(true);
      client.setTcpNoDelay(true);
    } catch (IOException e) {
      open.remove(client);
      closeQuietly(client);
      return;
    }
    open.add(upstream);
    Thread back = new Thread(() -> pump(upstream, client), "tcp-proxy-down-" + port());
    back.setDaemon(true);
    back.start();
    pump(client, upstream);
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException ignored) {
      // reset, or closed by the other pump, by dropAll or by close: the connection is over
    } finally {
      // One side gone: the whole connection goes, as it would through a real hop.
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(java.io.Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // closing: nothing left to do
    }
  }
}
