package dev.sqlorigin.apps.micronaut;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;

/**
 * Micronaut on its Netty server under the context path {@code /shop}, over HikariCP: {@code
 * MicronautApp <jdbc url>}.
 */
public final class MicronautApp {

  public static void main(String[] args) {
    if (args.length > 0) {
      System.setProperty("datasources.default.url", args[0]);
    }
    ApplicationContext context = Micronaut.run(MicronautApp.class);
    System.out.println("listening on port " + context.getBean(EmbeddedServer.class).getPort());
  }
}
