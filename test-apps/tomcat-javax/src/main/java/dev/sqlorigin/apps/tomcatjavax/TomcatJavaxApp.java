package dev.sqlorigin.apps.tomcatjavax;

import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Plain {@code javax.servlet} servlets and a filter on embedded Tomcat 9, context {@code /shop}:
 * {@code TomcatJavaxApp <jdbc url>}. Each statement returns its own text ({@code current_query()}).
 */
public final class TomcatJavaxApp {

  public static void main(String[] args) throws Exception {
    PGSimpleDataSource database = new PGSimpleDataSource();
    database.setURL(args[0]);
    try (Connection connection = database.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS owners (id bigint PRIMARY KEY, name text NOT NULL)");
      statement.execute(
          "INSERT INTO owners VALUES (1, 'George'), (42, 'Betty') ON CONFLICT DO NOTHING");
    }
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("/shop", null);
    Tomcat.addServlet(context, "owners", new OwnerServlet(database));
    context.addServletMappingDecoded("/owners/*", "owners");
    context.addServletMappingDecoded("/owner-count", "owners");
    FilterDef filter = new FilterDef();
    filter.setFilterName("audit");
    filter.setFilter(new AuditFilter(database));
    context.addFilterDef(filter);
    FilterMap mapping = new FilterMap();
    mapping.setFilterName("audit");
    mapping.addURLPatternDecoded("/*");
    context.addFilterMap(mapping);
    tomcat.start();
    System.out.println("listening on port " + connector.getLocalPort());
    tomcat.getServer().await();
  }

  static String ownerQuery(PGSimpleDataSource database, long id) throws SQLException {
    try (Connection connection = database.getConnection();
        PreparedStatement select =
            connection.prepareStatement("SELECT current_query() FROM owners WHERE id = ?")) {
      select.setLong(1, id);
      try (ResultSet rs = select.executeQuery()) {
        return rs.next() ? rs.getString(1) : "none";
      }
    }
  }

  static final class OwnerServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient PGSimpleDataSource database;

    OwnerServlet(PGSimpleDataSource database) {
      this.database = database;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws IOException, ServletException {
      try {
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write("sent=" + ownerQuery(database, 1) + "\n");
      } catch (SQLException e) {
        throw new ServletException(e);
      }
    }
  }

  /**
   * Sends a statement before the servlet when asked to ({@code X-Audit}), reported in {@code
   * X-Filter-Sent}.
   */
  static final class AuditFilter implements Filter {
    private final PGSimpleDataSource database;

    AuditFilter(PGSimpleDataSource database) {
      this.database = database;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      if (((HttpServletRequest) request).getHeader("X-Audit") != null) {
        try {
          ((HttpServletResponse) response).setHeader("X-Filter-Sent", ownerQuery(database, 42));
        } catch (SQLException e) {
          throw new ServletException(e);
        }
      }
      chain.doFilter(request, response);
    }
  }
}
