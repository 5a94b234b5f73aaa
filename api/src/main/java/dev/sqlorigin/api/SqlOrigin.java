package dev.sqlorigin.api;

import java.util.concurrent.Callable;

/**
 * Names the unit of work that the statements sent inside it belong to, for work that no HTTP
 * request starts: a scheduled job, a queue consumer, a start-up migration.
 *
 * <pre>{@code
 * SqlOrigin.run("job:import-learners", () -> importer.importAll());
 * int rows = SqlOrigin.call("consumer:invoices", () -> invoices.apply(message));
 * }</pre>
 *
 * <p>With the sqlorigin agent attached, every statement sent by the work (on this thread, and in
 * tasks it hands to the JDK's executors) carries {@code route='job:import-learners'} and an ID of
 * its own, and the operator can cancel it. Without the agent these methods only run the work: the
 * agent instruments this class where the application loaded it, so there is one class, whichever
 * copy the application ships.
 */
public final class SqlOrigin {

  private SqlOrigin() {}

  /**
   * Runs {@code work} as the unit of work named {@code origin} (e.g. {@code job:import-learners};
   * letters, digits and {@code - _ . : /}; parts that look like IDs are shown as {@code {id}}).
   */
  public static void run(String origin, Runnable work) {
    work.run();
  }

  /** Calls {@code work} as the unit of work named {@code origin}, and returns its result. */
  public static <T> T call(String origin, Callable<T> work) throws Exception {
    return work.call();
  }
}
