package dev.sqlorigin.it.support;

import dev.sqlorigin.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * What an operator sees of a request's statement in {@code pg_stat_activity} while it waits: the
 * test locks a table, sends the request, reads the waiting statement's backend, then lets it
 * finish.
 */
public final class HeldRequest {

  private HeldRequest() {}

  /**
   * The statement's backend as pg_stat_activity showed it, and the response the request got after.
   */
  public record Held(PgActivity.Backend backend, Http.Response response) {
    public String activity() {
      return backend.query();
    }
  }

  /**
   * Sends the request with a request ID of its own, which the application under test must put in
   * the comment ({@code sqlorigin.comment.fields=route,request_id}): that is how its statement is
   * recognised.
   */
  public static Held send(
      int port, String method, String target, String lockedTable, String requestId)
      throws Exception {
    String id = "request_id='" + requestId + "'";
    return send(
        port,
        method,
        target,
        lockedTable,
        backend -> backend.query().contains(id),
        "X-Request-Id: " + requestId);
  }

  /**
   * Sends the request with {@code headers}; its statement is the first waiting one whose backend
   * {@code accepted} recognises.
   */
  public static Held send(
      int port,
      String method,
      String target,
      String lockedTable,
      Predicate<PgActivity.Backend> accepted,
      String... headers)
      throws Exception {
    try (Connection locker = TestDatabase.get().connect();
        Statement lock = locker.createStatement()) {
      locker.setAutoCommit(false);
      lock.execute("LOCK TABLE " + lockedTable + " IN ACCESS EXCLUSIVE MODE");
      CompletableFuture<Http.Response> response =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Http.send(port, method, target, headers);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      PgActivity.Backend backend;
      try {
        backend = PgActivity.awaitWaitingBackend("", accepted);
      } catch (AssertionError e) {
        // Say why: most often the request failed before its statement ran, or ran it untagged.
        String answer =
            !response.isDone()
                ? "nothing yet"
                : response.isCompletedExceptionally()
                    ? "with a failure"
                    : response.join().status() + ": " + response.join().body();
        throw new AssertionError(
            e.getMessage() + "; " + method + " " + target + " answered " + answer, e);
      }
      locker.commit();
      return new Held(backend, response.get());
    }
  }

  /**
   * The same, for a statement recognised by a text ({@code fragment}) that no backend showed before
   * the request: texts that stay the same from request to request still show on idle pooled
   * backends, and a backend starting to wait can show its previous text for a moment.
   */
  public static Held sendNewText(
      int port,
      String method,
      String target,
      String lockedTable,
      String fragment,
      String... headers)
      throws Exception {
    Set<String> before = PgActivity.queries(fragment);
    return send(
        port,
        method,
        target,
        lockedTable,
        backend -> backend.query().contains(fragment) && !before.contains(backend.query()),
        headers);
  }
}
