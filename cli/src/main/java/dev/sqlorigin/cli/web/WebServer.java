package dev.sqlorigin.cli.web;

import dev.sqlorigin.cli.ConsoleException;
import dev.sqlorigin.cli.render.Json;
import dev.sqlorigin.cli.render.JsonViews;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.snapshot.Snapshots;
import dev.sqlorigin.cli.view.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The page an incident call shares: activity by origin, the lock tree, long statements and
 * connections by application, refreshed by the page every few seconds from {@code /api/snapshot}.
 * However many people look, the database is read at most once per refresh interval.
 *
 * <p>No login, so: it binds to 127.0.0.1 unless told otherwise, and then answers only requests
 * addressed to a loopback name (a web page elsewhere cannot reach it by rebinding a DNS name to
 * 127.0.0.1); the page loads only its own script and style (Content-Security-Policy) and writes
 * every value as text, never as HTML.
 */
public final class WebServer implements AutoCloseable {

  private static final String ASSETS = "/dev/sqlorigin/cli/web/";
  private static final Map<String, String> PAGES = new LinkedHashMap<>();

  static {
    PAGES.put("/", "index.html");
    PAGES.put("/index.html", "index.html");
    PAGES.put("/app.js", "app.js");
    PAGES.put("/app.css", "app.css");
  }

  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final Snapshots snapshots;
  private final Duration interval;
  private final Duration longStatement;
  private final Filter filter;
  private final Server server;
  private final ServerConnector connector;
  private final boolean loopbackOnly;
  private final Map<String, byte[]> assets = new LinkedHashMap<>();

  private Snapshot cached;
  private ConsoleException cachedError;
  private long cachedAt;

  public WebServer(
      Snapshots snapshots,
      String bind,
      int port,
      Duration interval,
      Duration longStatement,
      Filter filter) {
    this.snapshots = snapshots;
    this.interval = interval;
    this.longStatement = longStatement;
    this.filter = filter;
    for (String asset : PAGES.values()) {
      assets.put(asset, load(asset));
    }
    try {
      loopbackOnly = InetAddress.getByName(bind).isLoopbackAddress();
    } catch (IOException e) {
      throw new ConsoleException("cannot bind to '" + bind + "': " + e.getMessage());
    }
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("sqlorigin-web");
    threads.setDaemon(true);
    server = new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost(bind);
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Pages());
    server.setStopTimeout(1000);
  }

  public void start() {
    try {
      server.start();
    } catch (Exception e) {
      throw new ConsoleException(
          "cannot listen on "
              + connector.getHost()
              + ":"
              + connector.getPort()
              + ": "
              + e.getMessage());
    }
  }

  /** The port it listens on (the one chosen when asked for 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public boolean loopbackOnly() {
    return loopbackOnly;
  }

  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception ignored) {
      // stopping is best effort: the process is ending
    }
  }

  /** The snapshot as the page wants it: every view at once, values made visible and cut. */
  String snapshotJson() {
    Snapshot snapshot;
    ConsoleException error;
    synchronized (this) {
      long now = System.nanoTime();
      // Half the interval: a page polling every interval always gets a fresh one, and however
      // many pages poll, the database is read at most twice per interval.
      if (cached == null && cachedError == null || now - cachedAt >= interval.toNanos() / 2) {
        try {
          cached = snapshots.take(true);
          cachedError = null;
        } catch (ConsoleException e) {
          cachedError = e;
        }
        cachedAt = now;
      }
      snapshot = cached;
      error = cachedError;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("refresh_ms", interval.toMillis());
    out.put("error", error == null ? null : error.getMessage());
    if (snapshot != null) {
      JsonViews views = JsonViews.display();
      out.put("activity", views.activity(snapshot, filter));
      out.put("locks", views.locks(snapshot, filter));
      out.put("long_statements", views.longStatements(snapshot, longStatement, filter));
      out.put("long_statement_s", longStatement.toMillis() / 1000.0);
      out.put("applications", views.applications(snapshot, filter));
    }
    return Json.write(out);
  }

  private final class Pages extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.getHeaders().put("X-Content-Type-Options", "nosniff");
      response.getHeaders().put("Content-Security-Policy", POLICY);
      response.getHeaders().put("Referrer-Policy", "no-referrer");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      if (loopbackOnly && !isLoopbackName(request.getHttpURI().getHost())) {
        return send(
            response,
            callback,
            HttpStatus.MISDIRECTED_REQUEST_421,
            "text/plain",
            "not a loopback host name\n");
      }
      String method = request.getMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
        return send(
            response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "text/plain", "read-only\n");
      }
      String path = Request.getPathInContext(request);
      if (path.equals("/api/snapshot")) {
        return send(response, callback, HttpStatus.OK_200, "application/json", snapshotJson());
      }
      String asset = PAGES.get(path);
      if (asset == null) {
        return send(response, callback, HttpStatus.NOT_FOUND_404, "text/plain", "not found\n");
      }
      response.setStatus(HttpStatus.OK_200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType(asset));
      response.write(true, ByteBuffer.wrap(assets.get(asset)), callback);
      return true;
    }
  }

  private static boolean send(
      Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  static boolean isLoopbackName(String host) {
    if (host == null) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    return name.equals("localhost")
        || name.equals("[::1]")
        || name.equals("::1")
        || name.matches("127(\\.\\d{1,3}){3}");
  }

  private static String contentType(String asset) {
    if (asset.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (asset.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "text/css; charset=utf-8";
  }

  private static byte[] load(String asset) {
    try (InputStream in = WebServer.class.getResourceAsStream(ASSETS + asset)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks its web page " + ASSETS + asset);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
