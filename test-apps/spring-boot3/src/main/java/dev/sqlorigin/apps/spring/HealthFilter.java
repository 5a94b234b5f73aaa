package dev.sqlorigin.apps.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A filter that talks to the database before Spring MVC has matched a handler: it answers {@code
 * /health/**} itself (no handler ever runs), and on other requests sends a statement first when
 * asked to ({@code X-Audit}) and reports its text in {@code X-Filter-Sent}.
 */
@Component
public class HealthFilter extends OncePerRequestFilter {

  private final Sent sent;

  HealthFilter(Sent sent) {
    this.sent = sent;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getRequestURI().startsWith(request.getContextPath() + "/health/")) {
      response.setContentType("text/plain");
      response.getWriter().write(Sent.lines(sent.query()));
      return;
    }
    if (request.getHeader("X-Audit") != null) {
      response.setHeader("X-Filter-Sent", sent.query());
    }
    chain.doFilter(request, response);
  }
}
