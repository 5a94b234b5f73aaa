package dev.sqlorigin.sample;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint answering one HTTP method, with the error handling every endpoint shares: 405 for
 * other methods, 400 for bad input, 500 for a failed statement.
 */
@SuppressWarnings("serial") // servlets are never serialized here
abstract class ApiServlet extends HttpServlet {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

  /** Bad client input; the message is sent back as the JSON error. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private final String method;

  ApiServlet(String method) {
    this.method = method;
  }

  protected abstract void handle(HttpServletRequest request, HttpServletResponse response)
      throws IOException, SQLException;

  // service() rather than doGet()/doPost(), because HttpServlet would also answer HEAD, OPTIONS and
  // TRACE.
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!method.equals(request.getMethod())) {
      response.setHeader("Allow", method);
      sendJson(
          response,
          405,
          Json.error("method " + request.getMethod() + " not allowed, use " + method));
      return;
    }
    try {
      handle(request, response);
    } catch (BadRequest e) {
      sendJson(response, 400, Json.error(e.getMessage()));
    } catch (SQLException e) {
      // Failures such as a cancelled statement are expected in the demos: one line, no stack trace.
      LOG.warn(
          "{} {} failed: SQLState {}: {}",
          method,
          request.getHttpServletMapping().getPattern(),
          e.getSQLState(),
          e.getMessage());
      sendJson(response, 500, Json.error(e.getSQLState() + ": " + e.getMessage()));
    }
  }

  static void sendJson(HttpServletResponse response, int status, String json) throws IOException {
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write(json);
  }

  /** An optional integer query parameter; present but not an integer is a {@link BadRequest}. */
  static int intParameter(HttpServletRequest request, String name, int defaultValue) {
    String value = request.getParameter(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new BadRequest(name + " must be an integer, got '" + value + "'");
    }
  }
}
