package dev.sqlorigin.it.apps;

import dev.sqlorigin.apps.probe.Probe;
import dev.sqlorigin.apps.probe.ProbeHandler;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A {@code jakarta.servlet} application on Jetty 12 ee10, started in its own JVM by the tests:
 * {@code JakartaApp <jdbc url>}. A filter on every path sends a statement before the servlet.
 */
public final class JakartaApp {

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
    if (Boolean.getBoolean("probe.forwarded")) {
      // As behind a proxy: getRemoteAddr()/getRemotePort() come from X-Forwarded-For.
      http.addCustomizer(new org.eclipse.jetty.server.ForwardedRequestCustomizer());
    }
    // HTTP/1.1, and HTTP/2 over cleartext for the clients that start with its preface.
    ServerConnector connector =
        new ServerConnector(
            server, 1, 1, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
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

  static final class ProbeServlet extends HttpServlet {
    private final transient ProbeHandler handler;

    ProbeServlet(ProbeHandler handler) {
      this.handler = handler;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException, ServletException {
      try {
        response.setHeader(
            "X-Seen-Remote", request.getRemoteAddr() + ":" + request.getRemotePort());
        String body = handler.handle(request.getPathInfo(), request::getParameter);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(body);
      } catch (IOException | ServletException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new ServletException(e);
      }
    }
  }

  /**
   * Servlet async: {@code /async/start} runs a statement in {@code AsyncContext.start}; {@code
   * /async/dispatch} runs one there, then dispatches, and runs another in the async dispatch;
   * {@code /async/sleep?timeout=<ms>&seconds=} sleeps in the database, past the async timeout or
   * until the client resets its HTTP/2 stream.
   */
  static final class AsyncProbeServlet extends HttpServlet {
    private final transient ProbeHandler handler;

    AsyncProbeServlet(ProbeHandler handler) {
      this.handler = handler;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException, ServletException {
      if (request.getDispatcherType() == DispatcherType.ASYNC) {
        response.setContentType("text/plain;charset=utf-8");
        response
            .getWriter()
            .write(
                request.getAttribute("probe.started")
                    + statement("/prepared", request::getParameter));
        return;
      }
      String kind = request.getPathInfo();
      AsyncContext async = request.startAsync();
      String timeout = request.getParameter("timeout");
      async.setTimeout(timeout == null ? 30_000 : Long.parseLong(timeout));
      String seconds = request.getParameter("seconds");
      async.start(
          () -> {
            try {
              if (kind.equals("/dispatch")) {
                request.setAttribute("probe.started", statement("/prepared", name -> null));
                async.dispatch();
                return;
              }
              String body =
                  kind.equals("/sleep")
                      ? statement(
                          "/cancellable/sleep", name -> name.equals("seconds") ? seconds : null)
                      : statement("/prepared", name -> null);
              async.getResponse().setContentType("text/plain;charset=utf-8");
              async.getResponse().getWriter().write(body);
              async.complete();
            } catch (IOException | IllegalStateException e) {
              // timed out already: the container has answered
            }
          });
    }

    private String statement(
        String pathInfo, java.util.function.Function<String, String> parameters) {
      try {
        return handler.handle(pathInfo, parameters);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Sends a statement before the chain, when asked to, and reports what the server saw. */
  static final class StatementFilter implements Filter {
    private final ProbeHandler handler;

    StatementFilter(ProbeHandler handler) {
      this.handler = handler;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      if (request.getParameter("filter") != null) {
        try {
          ((HttpServletResponse) response).setHeader("X-Filter-Sent", handler.filterStatement());
        } catch (Exception e) {
          throw new ServletException(e);
        }
      }
      chain.doFilter(request, response);
    }
  }
}
