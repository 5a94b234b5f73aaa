package dev.sqlorigin.it.apps;

import dev.sqlorigin.apps.probe.JavaxProbeServlets.AsyncProbeServlet;
import dev.sqlorigin.apps.probe.JavaxProbeServlets.ProbeServlet;
import dev.sqlorigin.apps.probe.JavaxProbeServlets.StatementFilter;
import dev.sqlorigin.apps.probe.OwnDependencies;
import dev.sqlorigin.apps.probe.Probe;
import dev.sqlorigin.apps.probe.ProbeHandler;
import java.util.EnumSet;
import javax.servlet.DispatcherType;
import org.eclipse.jetty.ee8.servlet.FilterHolder;
import org.eclipse.jetty.ee8.servlet.ServletContextHandler;
import org.eclipse.jetty.ee8.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A {@code javax.servlet} application on Jetty 12 ee8, started in its own JVM by the tests: {@code
 * JavaxApp <jdbc url>}. A filter on every path sends a statement before the servlet; the servlets
 * are the probe's ({@code test-apps/probe}), which the Jetty 10 application serves as well.
 */
public final class JavaxApp {

  public static void main(String[] args) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(8, 8);
    threads.setName("app");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    // Room for the 10 KB hostile header values the tests send.
    http.setRequestHeaderSize(32 * 1024);
    // Let encoded slashes, backslashes and control characters through to the application, as a
    // lenient container would: the hostile-input tests need them to reach the agent.
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ProbeHandler handler = new ProbeHandler(new Probe(args[0]), threads, OwnDependencies::exercise);

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
