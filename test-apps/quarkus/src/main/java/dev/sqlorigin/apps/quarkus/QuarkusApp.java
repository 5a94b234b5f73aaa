package dev.sqlorigin.apps.quarkus;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Quarkus REST over Agroal, started by the tests as {@code java -jar quarkus-run.jar <jdbc url>}
 * (or {@code DATABASE_URL}) under the context {@code /shop}; Quarkus announces where it listens.
 */
@QuarkusMain
public final class QuarkusApp {

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : System.getenv("DATABASE_URL");
    if (url != null) {
      System.setProperty("quarkus.datasource.jdbc.url", url);
    }
    Quarkus.run(args);
  }
}
