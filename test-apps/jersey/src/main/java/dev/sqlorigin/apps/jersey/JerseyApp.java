package dev.sqlorigin.apps.jersey;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * JAX-RS resources on Jersey's servlet container, mapped under {@code /api/*} in the context {@code
 * /clinic} of embedded Tomcat 11, over HikariCP: {@code JerseyApp <jdbc url>}.
 */
public final class JerseyApp {

  public static void main(String[] args) throws Exception {
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(args[0]);
    pool.setMaximumPoolSize(4);
    HikariDataSource database = new HikariDataSource(pool);
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
    Context context = tomcat.addContext("/clinic", null);
    ResourceConfig resources = new ResourceConfig().register(new OwnersResource(database));
    Tomcat.addServlet(context, "jersey", new ServletContainer(resources));
    context.addServletMappingDecoded("/api/*", "jersey");
    tomcat.start();
    System.out.println("listening on port " + connector.getLocalPort());
    tomcat.getServer().await();
  }
}
