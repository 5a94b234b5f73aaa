package dev.sqlorigin.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * A load generator of {@code connections} workers, each with one keep-alive connection.
 *
 * <p>Closed loop (no rate): each worker sends its next request as soon as the previous response is
 * in. Throughput is then what the application (and the machine) can serve with that many requests
 * in flight, and latency includes any queueing inside the application, which is where an agent's
 * cost would show.
 *
 * <p>Paced (a rate): the workers share a schedule of that many requests per second, each sending
 * its next request at its planned time, and a latency counts from the planned time, not from the
 * send (a late response delays the next send, and that wait is the client's to count). Every
 * configuration then serves the same requests per second, so CPU per request compares the work per
 * request, not how busy the one core was: a saturated app's CPU per request is one over its
 * throughput, whatever slowed it.
 */
final class LoadGenerator {

  /** What the load asks for: one path per request, picked at random from the workload's set. */
  enum Workload {
    /** {@code GET /api/owners/{1..100}}: one primary-key lookup per request. */
    OWNERS("GET /api/owners/{1..100} (one primary-key lookup)", "FROM owners WHERE id"),
    /** {@code GET /api/campaigns/{1..20}?learner=N}: three small joins per request. */
    REPORT(
        "GET /api/campaigns/{1..20}?learner=N (three small joins)",
        "FROM imports i JOIN campaigns"),
    /**
     * {@code GET /petclinic/owners/{1,42}} of a Spring Boot test application: one primary-key
     * lookup per request through JdbcTemplate (its owners are 1 and 42).
     */
    PETS(
        "GET /petclinic/owners/{1,42} (Spring Boot test app, JdbcTemplate, one primary-key lookup)",
        "FROM owners WHERE id");

    final String description;

    /** A fragment of one of its statements, to find them in pg_stat_activity. */
    final String queryFragment;

    Workload(String description, String queryFragment) {
      this.description = description;
      this.queryFragment = queryFragment;
    }

    List<String> paths() {
      List<String> paths = new ArrayList<>();
      if (this == PETS) {
        paths.add("/petclinic/owners/1");
        paths.add("/petclinic/owners/42");
      } else if (this == OWNERS) {
        for (int id = 1; id <= 100; id++) {
          paths.add("/api/owners/" + id);
        }
      } else {
        // Learner N takes part in campaign 1 + (N - 1) % 20 (see the sample app's seed data).
        for (int campaign = 1; campaign <= 20; campaign++) {
          for (int k = 0; k < 10; k++) {
            paths.add("/api/campaigns/" + campaign + "?learner=" + (campaign + 20 * k * 7));
          }
        }
      }
      return paths;
    }
  }

  private static final int TIMEOUT_MILLIS = 10_000;

  /** What one load phase measured. Latencies are of every response counted, sorted, in ns. */
  record Result(long ok, long errors, long echoedRequestIds, Duration duration, long[] latencies) {

    double throughput() {
      return ok / (duration.toNanos() / 1e9);
    }

    /** The {@code q} quantile (0 < q < 1) by the nearest-rank method, in milliseconds. */
    double latencyMillis(double q) {
      if (latencies.length == 0) {
        return Double.NaN;
      }
      int rank = (int) Math.ceil(q * latencies.length);
      return latencies[Math.max(0, rank - 1)] / 1e6;
    }
  }

  private final int port;
  private final int connections;
  // Between two sends of one worker when paced; 0: closed loop.
  private final long intervalNanos;
  private final byte[][] requests;

  /**
   * @param rate requests per second over all connections, or 0 for a closed loop
   */
  LoadGenerator(int port, int connections, Workload workload, int rate) {
    this.port = port;
    this.connections = connections;
    this.intervalNanos = rate == 0 ? 0 : Math.round(connections * 1e9 / rate);
    this.requests =
        workload.paths().stream()
            .map(path -> HttpConnection.get(path, port))
            .toArray(byte[][]::new);
  }

  /** Drives load for {@code duration}; returns once every worker has stopped. */
  Result run(Duration duration, long seed) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(connections);
    CountDownLatch go = new CountDownLatch(1);
    List<Worker> workers = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Worker worker = new Worker(new SplittableRandom(seed + i), ready, go);
      workers.add(worker);
      Thread thread = new Thread(worker, "load-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    ready.await();
    // Every worker has its connection: the clock starts now, for all of them at once.
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    for (int i = 0; i < workers.size(); i++) {
      workers.get(i).deadline = deadline;
      // Staggered, so that paced sends are spread evenly over each interval.
      workers.get(i).next = start + intervalNanos * i / connections;
    }
    go.countDown();
    for (Thread thread : threads) {
      // A worker stops at the deadline, or at most one request timeout later.
      thread.join(duration.toMillis() + 2L * TIMEOUT_MILLIS);
    }
    long ok = 0;
    long errors = 0;
    long echoed = 0;
    int count = 0;
    for (Worker worker : workers) {
      ok += worker.ok;
      errors += worker.errors;
      echoed += worker.echoed;
      count += worker.latencyCount;
    }
    long[] latencies = new long[count];
    int at = 0;
    for (Worker worker : workers) {
      System.arraycopy(worker.latencies, 0, latencies, at, worker.latencyCount);
      at += worker.latencyCount;
    }
    Arrays.sort(latencies);
    return new Result(ok, errors, echoed, duration, latencies);
  }

  private final class Worker implements Runnable {
    private final SplittableRandom random;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    volatile long deadline;
    // The planned time of the next send when paced; set with the deadline, before go.
    long next;
    // Written by this worker only, read by run() after join().
    long ok;
    long errors;
    long echoed;
    long[] latencies = new long[64 * 1024];
    int latencyCount;

    Worker(SplittableRandom random, CountDownLatch ready, CountDownLatch go) {
      this.random = random;
      this.ready = ready;
      this.go = go;
    }

    @Override
    public void run() {
      HttpConnection connection = null;
      try {
        connection = connectOrNull();
        ready.countDown();
        go.await();
        long end = deadline;
        while (true) {
          long sent = System.nanoTime();
          if (intervalNanos > 0) {
            while (sent < next && next < end) {
              LockSupport.parkNanos(next - sent);
              if (Thread.interrupted()) {
                throw new InterruptedException();
              }
              sent = System.nanoTime();
            }
            sent = next;
            next += intervalNanos;
          }
          if (sent >= end) {
            break;
          }
          try {
            if (connection == null || !connection.isOpen()) {
              close(connection);
              connection = new HttpConnection(port, TIMEOUT_MILLIS);
            }
            HttpConnection.Response response =
                connection.send(requests[random.nextInt(requests.length)]);
            long received = System.nanoTime();
            if (received > end) {
              break; // finished after the deadline: not part of this measurement
            }
            record(received - sent);
            if (response.status() == 200) {
              ok++;
            } else {
              errors++;
            }
            if (response.echoedRequestId()) {
              echoed++;
            }
          } catch (IOException | RuntimeException e) {
            // Refused, reset, timed out or garbled: an error, and a fresh connection for the next
            // one.
            errors++;
            close(connection);
            connection = null;
            Thread.sleep(10);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        close(connection);
      }
    }

    private HttpConnection connectOrNull() {
      try {
        return new HttpConnection(port, TIMEOUT_MILLIS);
      } catch (IOException e) {
        return null; // counted as an error on the first request
      }
    }

    private void record(long nanos) {
      if (latencyCount == latencies.length) {
        latencies = Arrays.copyOf(latencies, latencies.length * 2);
      }
      latencies[latencyCount++] = nanos;
    }

    private void close(HttpConnection connection) {
      if (connection != null) {
        connection.close();
      }
    }
  }
}
