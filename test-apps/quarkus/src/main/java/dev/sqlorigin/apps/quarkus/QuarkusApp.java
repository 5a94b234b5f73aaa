package dev.sqlorigin.apps.quarkus;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Quarkus REST over Agroal, started by the tests as {@code java -jar quarkus-run.jar <jdbc url>}
 * under the context {@code /shop}; Quarkus announces where it listens.
 */
@QuarkusMain
public final class QuarkusApp {

  public static void main(String[] args) {
    if (args.length > 0) {
      System.setProperty("quarkus.datasource.jdbc.url", args[0]);
    }
    Quarkus.run(args);
  }
}
