package dev.sqlorigin.sample;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code GET /health}: never touches the database, so it stays up while the pool is exhausted. */
@SuppressWarnings("serial")
final class HealthServlet extends ApiServlet {

  HealthServlet() {
    super("GET");
  }

  @Override
  protected void handle(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.setContentType("text/plain");
    response.setCharacterEncoding("UTF-8");
    response.getWriter().write("ok");
  }
}
