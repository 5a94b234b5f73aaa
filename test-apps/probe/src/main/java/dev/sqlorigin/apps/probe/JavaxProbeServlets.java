package dev.sqlorigin.apps.probe;

import java.io.IOException;
import java.util.function.Function;
import javax.servlet.AsyncContext;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * The probe's endpoints as {@code javax.servlet} servlets and a filter, whatever the container:
 * each application mounts them under {@code /shop} (context path) as {@code /probe/*} and {@code
 * /owners} ({@link ProbeServlet}), {@code /async/*} ({@link AsyncProbeServlet}, async supported)
 * and a {@link StatementFilter} on every path and dispatcher type.
 */
public final class JavaxProbeServlets {

  private JavaxProbeServlets() {}

  /** {@code /probe/*}: {@link ProbeHandler}; the remote address it saw in {@code X-Seen-Remote}. */
  public static final class ProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient ProbeHandler handler;

    public ProbeServlet(ProbeHandler handler) {
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
   * {@code /async/sleep?timeout=<ms>&seconds=} sleeps in the database, past the async timeout.
   */
  public static final class AsyncProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient ProbeHandler handler;

    public AsyncProbeServlet(ProbeHandler handler) {
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

    private String statement(String pathInfo, Function<String, String> parameters) {
      try {
        return handler.handle(pathInfo, parameters);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Sends a statement before the chain, when asked to, and reports what the server saw. */
  public static final class StatementFilter implements Filter {
    private final ProbeHandler handler;

    public StatementFilter(ProbeHandler handler) {
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
