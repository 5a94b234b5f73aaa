package dev.sqlorigin.apps.micronaut;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;

/**
 * Micronaut on its Netty server under the context path {@code /shop}, over HikariCP: {@code
 * MicronautApp <jdbc url>} (or {@code DATABASE_URL}).
 */
public final class MicronautApp {

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : System.getenv("DATABASE_URL");
    if (url != null) {
      System.setProperty("datasources.default.url", url);
    }
    ApplicationContext context = Micronaut.run(MicronautApp.class);
    System.out.println("listening on port " + context.getBean(EmbeddedServer.class).getPort());
  }
}
