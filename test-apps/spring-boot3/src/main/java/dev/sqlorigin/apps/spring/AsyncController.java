package dev.sqlorigin.apps.spring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Statements a request sends from other threads: an {@code @Async} service and a {@code
 * DeferredResult}.
 */
@RestController
public class AsyncController {

  private final Lookups lookups;
  private final Sent sent;
  private final ExecutorService workers = Executors.newFixedThreadPool(2);

  AsyncController(Lookups lookups, Sent sent) {
    this.lookups = lookups;
    this.sent = sent;
  }

  @GetMapping("/owners/{ownerId}/async")
  public String async(@PathVariable long ownerId) {
    return Sent.lines(lookups.owner(ownerId).join());
  }

  @GetMapping("/owners/{ownerId}/deferred")
  public DeferredResult<String> deferred(@PathVariable long ownerId) {
    DeferredResult<String> result = new DeferredResult<>();
    workers.execute(
        () -> {
          try {
            result.setResult(Sent.lines(sent.ownerQuery(ownerId)));
          } catch (RuntimeException e) {
            result.setErrorResult(e);
          }
        });
    return result;
  }

  /** Spring runs its methods on its task executor. */
  @Service
  public static class Lookups {
    private final Sent sent;

    Lookups(Sent sent) {
      this.sent = sent;
    }

    @Async
    public CompletableFuture<String> owner(long ownerId) {
      return CompletableFuture.completedFuture(sent.ownerQuery(ownerId));
    }
  }
}
