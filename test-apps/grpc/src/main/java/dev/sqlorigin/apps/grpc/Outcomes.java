package dev.sqlorigin.apps.grpc;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What each call answered in the end, by the request ID it came with: a client that cancelled or
 * ran out of its deadline never sees the answer, so the tests ask for it afterwards.
 */
final class Outcomes {

  private final Map<String, CompletableFuture<String>> byRequestId = new ConcurrentHashMap<>();

  void record(String requestId, String outcome) {
    if (requestId != null) {
      future(requestId).complete(outcome);
    }
  }

  /**
   * The outcome of the call with {@code request} ({@code <request ID>[?wait=<seconds>]}), waiting
   * for it up to 30 s or the seconds given; null if none came.
   */
  String await(String request) {
    int query = request.indexOf("?wait=");
    String requestId = query < 0 ? request : request.substring(0, query);
    long seconds = query < 0 ? 30 : Long.parseLong(request.substring(query + "?wait=".length()));
    try {
      return future(requestId).get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      byRequestId.remove(requestId);
    }
  }

  private CompletableFuture<String> future(String requestId) {
    return byRequestId.computeIfAbsent(requestId, id -> new CompletableFuture<>());
  }
}
