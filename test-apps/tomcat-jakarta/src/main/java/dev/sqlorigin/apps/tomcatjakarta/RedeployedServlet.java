package dev.sqlorigin.apps.tomcatjakarta;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The servlet of the web application that {@link RedeployApp} deploys again and again: loaded by
 * that application's own class loader, with its own copy of pgjdbc (WEB-INF/lib), and woven by the
 * agent there ({@code service} is overridden). {@code /app/query} runs a statement and returns its
 * text; {@code ?carried=true} runs it on the common pool, the request's context carried there;
 * {@code /app/sleep} outlives the request's deadline and is cancelled.
 */
public final class RedeployedServlet extends HttpServlet {

  static final String JDBC_URL = "redeployed.jdbc-url";
  private static final long serialVersionUID = 1L;

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    PGSimpleDataSource database = new PGSimpleDataSource();
    database.setURL(System.getProperty(JDBC_URL));
    String sql =
        request.getPathInfo().equals("/sleep")
            ? "SELECT pg_sleep(5)::text"
            : "SELECT current_query()";
    String answer;
    try {
      answer =
          "true".equals(request.getParameter("carried"))
              ? CompletableFuture.supplyAsync(() -> single(database, sql)).join()
              : single(database, sql);
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() instanceof SQLException ? e.getCause() : e;
      answer = "error " + ((SQLException) cause).getSQLState();
    }
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().write("sent=" + answer + "\n");
  }

  private static String single(PGSimpleDataSource database, String sql) {
    try (Connection connection = database.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql);
        ResultSet rs = statement.executeQuery()) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
