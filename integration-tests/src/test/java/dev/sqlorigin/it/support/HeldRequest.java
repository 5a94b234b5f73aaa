package dev.sqlorigin.it.support;

import dev.sqlorigin.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;

/**
 * What an operator sees of a request's statement in {@code pg_stat_activity} while it waits: the
 * test locks a table, sends the request (with a request ID of its own, which the application under
 * test must put in the comment: {@code sqlorigin.comment.fields=route,request_id}), reads the waiting
 * statement, then lets it finish.
 */
public final class HeldRequest {

  private HeldRequest() {
  }

  /** The statement's text as pg_stat_activity showed it, and the response the request got after. */
  public record Held(String activity, Http.Response response) {
  }

  public static Held send(int port, String method, String target, String lockedTable, String requestId)
      throws Exception {
    try (Connection locker = TestDatabase.get().connect(); Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE " + lockedTable + " IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<Http.Response> response = CompletableFuture.supplyAsync(() -> {
        try {
          return Http.send(port, method, target, "X-Request-Id: " + requestId);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      String activity;
      try {
        activity = PgActivity.awaitWaitingQuery("request_id='" + requestId + "'");
      } catch (AssertionError e) {
        // Say why: most often the request failed before its statement ran, or ran it untagged.
        String answer = !response.isDone() ? "nothing yet"
            : response.isCompletedExceptionally() ? "with a failure" : response.join().status() + ": " + response.join().body();
        throw new AssertionError(e.getMessage() + "; " + method + " " + target + " answered " + answer, e);
      }
      locker.commit();
      return new Held(activity, response.get());
    }
  }
}
