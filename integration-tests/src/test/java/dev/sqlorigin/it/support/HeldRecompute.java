package dev.sqlorigin.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.testing.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The sample app's full-table UPDATE ({@code POST /api/campaign-participations/recompute}) held on
 * a table lock that the test takes, so that pg_stat_activity can be read while it waits.
 */
public final class HeldRecompute {

  private static final String UPDATE = "UPDATE campaign_participations";

  private HeldRecompute() {
  }

  /**
   * Sends the request with {@code headers}, returns its waiting backend as {@code accepted}
   * recognises it, then lets it finish; {@code response} gets the answer, which must be 200.
   */
  public static PgActivity.Backend hold(int port, Predicate<PgActivity.Backend> accepted,
      CompletableFuture<Http.Response> response, String... headers) throws Exception {
    try (Connection locker = TestDatabase.get().connect(); Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE campaign_participations IN ACCESS EXCLUSIVE MODE");
      CompletableFuture.runAsync(() -> {
        try {
          response.complete(Http.post(port, "/api/campaign-participations/recompute", headers));
        } catch (Exception e) {
          response.completeExceptionally(e);
        }
      });
      PgActivity.Backend held = PgActivity.awaitWaitingBackend(UPDATE, accepted);
      locker.commit();
      assertEquals(200, response.get().status(), response.get().body());
      return held;
    }
  }

  /** Hold it until a backend shows an UPDATE text that none showed before: a new statement's. */
  public static String holdNewText(int port, String... headers) throws Exception {
    java.util.Set<String> before = PgActivity.queries(UPDATE);
    return hold(port, backend -> !before.contains(backend.query()), new CompletableFuture<>(), headers).query();
  }
}
