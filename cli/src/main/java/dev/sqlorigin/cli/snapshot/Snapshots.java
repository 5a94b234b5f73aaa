package dev.sqlorigin.cli.snapshot;

import dev.sqlorigin.cli.ConsoleException;
import dev.sqlorigin.cli.connect.ConnectionTarget;
import dev.sqlorigin.cli.connect.Database;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Snapshots, one at a time, from one connection that is opened again after it broke (a restarted
 * server, a dropped network): what a refreshing view needs.
 */
public final class Snapshots implements AutoCloseable {

  private final ConnectionTarget target;
  private final Duration statementTimeout;
  private Database database;

  /** Connects at once, so that a wrong URL or password is told before anything else happens. */
  public Snapshots(ConnectionTarget target, Duration statementTimeout) {
    this.target = target;
    this.statementTimeout = statementTimeout;
    this.database = Database.open(target, statementTimeout);
  }

  /**
   * @param withLocks read {@code pg_locks} too, for the lock tree
   * @throws ConsoleException when the database cannot be read (the next call connects again)
   */
  public synchronized Snapshot take(boolean withLocks) {
    if (database == null) {
      database = Database.open(target, statementTimeout);
    }
    try {
      return new SnapshotReader(database).read(withLocks);
    } catch (SQLException e) {
      if (!database.isValid()) {
        database.close();
        database = null;
      }
      throw new ConsoleException("cannot read " + target.display() + ": " + Database.oneLine(e));
    }
  }

  @Override
  public synchronized void close() {
    if (database != null) {
      database.close();
      database = null;
    }
  }
}
