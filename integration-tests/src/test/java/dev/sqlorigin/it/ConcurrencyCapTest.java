package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The retry pile-up, stopped at its root: a cap of one on the import route, five clients that retry
 * until their import went through. Never more than one import statement on the server at once; the
 * others are answered 503 at once rather than queued behind it.
 */
class ConcurrencyCapTest {

  private static final String IMPORT = "route='POST /api/imports'";
  private static final int CLIENTS = 5;

  /** One response a client got: its status, and when it arrived. */
  private record Answer(int client, int status, long receivedNanos) {}

  @Test
  void aCapOfOneLetsOneImportRunAndAnswersTheRetries503AtOnce() throws Exception {
    try (AppProcess app =
        AppProcess.jar(AppProcess.sampleAppJar())
            .property(Config.ROUTES_MAX_CONCURRENT, "POST /api/imports=1")
            .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      // What the server runs, watched from the side: the most import statements at once.
      AtomicBoolean watching = new AtomicBoolean(true);
      AtomicInteger most = new AtomicInteger();
      AtomicInteger looks = new AtomicInteger();
      CompletableFuture<Void> watch =
          CompletableFuture.runAsync(
              () -> {
                try {
                  while (watching.get()) {
                    most.accumulateAndGet(PgActivity.running(IMPORT), Math::max);
                    looks.incrementAndGet();
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    go.await();
                    // Retry as the users did, until the import went through (bounded).
                    for (int attempt = 0; attempt < 500; attempt++) {
                      Http.Response response =
                          Http.post(
                              app.port(),
                              "/api/imports?seconds=1&campaignId=" + (900 + client),
                              "X-Request-Id: cap-" + client + "-" + attempt);
                      answers.add(new Answer(client, response.status(), System.nanoTime()));
                      if (response.status() == 200) {
                        return;
                      }
                      assertEquals(503, response.status(), response.body());
                      assertEquals("1", response.header("Retry-After"));
                      Thread.sleep(50); // the client's own pause before it retries
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      go.countDown();
      CompletableFuture.allOf(clients.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
      watching.set(false);
      watch.get(10, TimeUnit.SECONDS);

      List<Answer> all = new ArrayList<>(answers);
      assertEquals(CLIENTS, all.stream().filter(a -> a.status() == 200).count(), all.toString());
      assertTrue(looks.get() > 10, "pg_stat_activity was read " + looks.get() + " times");
      assertEquals(1, most.get(), "import statements running at once on the server");
      // The first import took a second: every other client had its 503 before it was done, so
      // none was queued behind it.
      long firstDone =
          all.stream()
              .filter(a -> a.status() == 200)
              .mapToLong(Answer::receivedNanos)
              .min()
              .orElseThrow();
      assertEquals(
          CLIENTS - 1,
          all.stream()
              .filter(a -> a.status() == 503 && a.receivedNanos() < firstDone)
              .map(Answer::client)
              .distinct()
              .count(),
          all.toString());
      // Counted for every refusal, logged once a minute per route (the test lasts less).
      List<String> logged =
          app.agentLines().stream()
              .filter(line -> line.contains("refused (503) at the concurrency limit of 1"))
              .collect(Collectors.toList());
      assertEquals(1, logged.size(), String.join("\n", app.agentLines()));
      assertTrue(logged.get(0).contains("POST /api/imports: 1 request refused"), logged.get(0));
    }
  }
}
