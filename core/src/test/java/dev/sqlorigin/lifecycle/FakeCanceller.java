package dev.sqlorigin.lifecycle;

import dev.sqlorigin.cancel.StatementCanceller;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A driver's cancel, as the tests want it: statements name their database, and each one's cancel
 * returns, throws, or hangs until released. Records what was cancelled and aborted.
 */
final class FakeCanceller implements StatementCanceller {

  /** What the server throws for a cancelled statement (SQLState 57014, as far as core knows). */
  static final class Cancelled extends Exception {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("ERROR: canceling statement due to user request");
    }
  }

  /** A statement of {@code database} whose cancel does what {@code behaviour} says. */
  static final class Statement {
    final String database;
    final Behaviour behaviour;
    // Released by the test: a hanging cancel returns then.
    final CountDownLatch hang = new CountDownLatch(1);

    Statement(String database, Behaviour behaviour) {
      this.database = database;
      this.behaviour = behaviour;
    }

    @Override
    public String toString() {
      return "statement on " + database;
    }
  }

  enum Behaviour {
    RETURNS,
    THROWS,
    HANGS
  }

  final List<Object> cancelled = new CopyOnWriteArrayList<>();
  final List<Object> aborted = new CopyOnWriteArrayList<>();
  // Cancels under way now, per the test's reading.
  final List<Object> running = new CopyOnWriteArrayList<>();

  @Override
  public String database(Object statement) {
    return ((Statement) statement).database;
  }

  @Override
  public void cancel(Object statement) throws Exception {
    Statement fake = (Statement) statement;
    cancelled.add(statement);
    running.add(statement);
    try {
      switch (fake.behaviour) {
        case THROWS:
          throw new IllegalStateException("the cancel connection was refused");
        case HANGS:
          fake.hang.await(30, TimeUnit.SECONDS);
          break;
        default:
          break;
      }
    } finally {
      running.remove(statement);
    }
  }

  @Override
  public void abort(Object statement) {
    aborted.add(statement);
  }

  @Override
  public boolean wasCancelled(Throwable thrown) {
    return thrown instanceof Cancelled;
  }

  /** Waits (10 s at most) until {@code statement}'s cancel was called {@code times} times. */
  void awaitCancelled(Object statement, int times) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (cancelled.stream().filter(s -> s == statement).count() < times) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(statement + " was not cancelled " + times + " time(s)");
      }
      Thread.sleep(1); // poll interval of the awaited condition
    }
  }
}
