package dev.sqlorigin.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {

  /** Equal to every other instance: the map must not care. */
  private static final class EqualToAll {
    @Override
    public boolean equals(Object other) {
      return other instanceof EqualToAll;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  @Test
  void findsAValueByTheSameObjectOnlyNotByAnEqualOne() {
    WeakIdentityMap<String> map = new WeakIdentityMap<>();
    Object first = new EqualToAll();
    Object second = new EqualToAll();
    map.put(first, "first");
    assertEquals("first", map.get(first));
    assertNull(map.get(second));
    map.put(second, "second");
    map.put(first, "first again");
    assertEquals("first again", map.get(first));
    assertEquals("second", map.get(second));
    assertNull(map.get(null));
  }

  @Test
  void anEntryGoesOnceItsKeyIsCollected() throws InterruptedException {
    WeakIdentityMap<String> map = new WeakIdentityMap<>();
    Object kept = new Object();
    map.put(kept, "kept");
    for (int i = 0; i < 1_000; i++) {
      map.put(new Object(), "dropped");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (map.size() > 1 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(10);
    }
    assertEquals(1, map.size(), "the dropped keys' entries are removed");
    assertEquals("kept", map.get(kept));
  }

  @Test
  void threadsPutAndGetTheirOwnKeysAtOnce() throws Exception {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        wrong.add(
            threads.submit(
                () -> {
                  go.await();
                  int mismatches = 0;
                  for (int i = 0; i < 20_000; i++) {
                    Object key = new Object();
                    map.put(key, i);
                    Integer found = map.get(key);
                    if (found == null || found != i) {
                      mismatches++;
                    }
                  }
                  return mismatches;
                }));
      }
      go.countDown();
      for (Future<Integer> each : wrong) {
        assertEquals(0, each.get(60, TimeUnit.SECONDS));
      }
    } finally {
      threads.shutdownNow();
      assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
