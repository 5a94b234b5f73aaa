package dev.sqlorigin.apps.jetty10;

import dev.sqlorigin.apps.probe.JavaxProbeServlets.AsyncProbeServlet;
import dev.sqlorigin.apps.probe.JavaxProbeServlets.ProbeServlet;
import dev.sqlorigin.apps.probe.JavaxProbeServlets.StatementFilter;
import dev.sqlorigin.apps.probe.Probe;
import dev.sqlorigin.apps.probe.ProbeHandler;
import java.util.EnumSet;
import javax.servlet.DispatcherType;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The probe's {@code javax.servlet} endpoints on Jetty 10, as the Jetty 12 applications of the
 * integration tests serve them (context {@code /shop}; {@code /probe/*}, {@code /owners}, {@code
 * /async/*}; a filter on every path), started in its own JVM by the tests: {@code Jetty10App <jdbc
 * url>}. {@code -Dprobe.threads=N} sizes the server's thread pool (8), {@code
 * -Dprobe.forwarded=true} takes the remote address from {@code X-Forwarded-For}.
 */
public final class Jetty10App {

  private Jetty10App() {}

  public static void main(String[] args) throws Exception {
    int size = Integer.getInteger("probe.threads", 8);
    QueuedThreadPool threads = new QueuedThreadPool(size, size);
    threads.setName("app");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    // Room for the 10 KB hostile header values the tests send.
    http.setRequestHeaderSize(32 * 1024);
    // Let encoded slashes, backslashes and control characters through to the application, as a
    // lenient container would.
    http.setUriCompliance(UriCompliance.UNSAFE);
    if (Boolean.getBoolean("probe.forwarded")) {
      // As behind a proxy: getRemoteAddr()/getRemotePort() come from X-Forwarded-For.
      http.addCustomizer(new ForwardedRequestCustomizer());
    }
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ProbeHandler handler =
        new ProbeHandler(
            new Probe(args[0]),
            threads,
            // This application carries no copies of the agent's libraries of its own.
            () -> "own-dependencies=not-checked\n");

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/shop");
    context.addServlet(new ServletHolder(new ProbeServlet(handler)), "/probe/*");
    context.addServlet(new ServletHolder(new ProbeServlet(handler)), "/owners");
    ServletHolder async = new ServletHolder(new AsyncProbeServlet(handler));
    async.setAsyncSupported(true);
    context.addServlet(async, "/async/*");
    FilterHolder filter = new FilterHolder(new StatementFilter(handler));
    filter.setAsyncSupported(true);
    context.addFilter(filter, "/*", EnumSet.allOf(DispatcherType.class));
    server.setHandler(context);
    server.start();
    System.out.println("listening on port " + connector.getLocalPort());
    server.join();
  }
}
