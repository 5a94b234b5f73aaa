package dev.sqlorigin.cli.snapshot;

import dev.sqlorigin.cli.connect.Database;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads a {@link Snapshot}: one query on {@code pg_stat_activity}, and, only when some session
 * waits on a lock, one on {@code pg_locks} for the sessions taking part. Neither touches a user
 * table, so neither takes a lock that could queue behind the pile-up it looks at; relation names
 * come from {@code regclass}, which reads the catalog cache without locking the relation. {@code
 * pg_blocking_pids} needs the lock manager for a moment, so it is called only for the lock tree,
 * and only for the sessions that wait on a lock.
 */
public final class SnapshotReader {

  static final String SESSIONS =
      "SELECT a.pid, a.datid, a.datname, a.usename, a.application_name,"
          + " host(a.client_addr) AS client_addr, a.backend_type, a.backend_start, a.xact_start,"
          + " a.query_start, a.state_change, a.state, a.wait_event_type, a.wait_event, a.query,"
          + " CASE WHEN ? AND a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END"
          + " AS blocked_by,"
          + " a.pid = pg_backend_pid() AS own, statement_timestamp() AS now, current_user AS role"
          + " FROM pg_stat_activity a";

  static final String LOCKS =
      "SELECT l.pid, l.locktype, l.mode, l.granted, l.database, l.relation,"
          + " CASE WHEN l.relation IS NOT NULL AND l.database = ? THEN l.relation::regclass::text"
          + " END AS relname,"
          + " l.page, l.tuple, l.virtualxid, l.transactionid::text AS xid, l.classid, l.objid,"
          + " l.objsubid"
          + " FROM pg_locks l WHERE l.pid = ANY (?)";

  // What pg_stat_activity shows in place of a query the role may not see.
  private static final String HIDDEN = "<insufficient privilege>";

  private final Database database;

  public SnapshotReader(Database database) {
    this.database = database;
  }

  /**
   * @param withLocks read {@code pg_locks} too (when someone waits): the lock tree needs it, the
   *     activity view does not
   */
  public Snapshot read(boolean withLocks) throws SQLException {
    return database.read(connection -> read(connection, withLocks));
  }

  private Snapshot read(Connection connection, boolean withLocks) throws SQLException {
    List<Session> sessions = new ArrayList<>();
    OffsetDateTime now = null;
    String role = null;
    long ownDatabase = 0;
    try (PreparedStatement statement = connection.prepareStatement(SESSIONS)) {
      statement.setBoolean(1, withLocks);
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          now = rs.getObject("now", OffsetDateTime.class);
          role = rs.getString("role");
          if (rs.getBoolean("own")) {
            ownDatabase = rs.getLong("datid");
            continue;
          }
          sessions.add(session(rs, now));
        }
      }
    }
    Map<Integer, List<LockInfo>> locks = new HashMap<>();
    TreeSet<Integer> involved = new TreeSet<>();
    for (Session session : sessions) {
      for (int blocker : session.blockedBy()) {
        involved.add(session.pid());
        involved.add(blocker);
      }
    }
    if (withLocks && !involved.isEmpty()) {
      try (PreparedStatement statement = connection.prepareStatement(LOCKS)) {
        statement.setLong(1, ownDatabase);
        Array pids = connection.createArrayOf("int4", involved.toArray());
        statement.setArray(2, pids);
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            LockInfo lock = lock(rs);
            locks.computeIfAbsent(lock.pid(), pid -> new ArrayList<>()).add(lock);
          }
        }
      }
    }
    return new Snapshot(
        now, database.target().display(), database.serverVersion(), role, sessions, locks);
  }

  private static Session session(ResultSet rs, OffsetDateTime now) throws SQLException {
    String query = rs.getString("query");
    String state = rs.getString("state");
    boolean visible = !HIDDEN.equals(query);
    OffsetDateTime queryStart = rs.getObject("query_start", OffsetDateTime.class);
    OffsetDateTime xactStart = rs.getObject("xact_start", OffsetDateTime.class);
    OffsetDateTime stateChange = rs.getObject("state_change", OffsetDateTime.class);
    Array blocked = rs.getArray("blocked_by");
    int[] blockedBy = new int[0];
    if (blocked != null) {
      Integer[] values = (Integer[]) blocked.getArray();
      blockedBy = new int[values.length];
      for (int i = 0; i < values.length; i++) {
        blockedBy[i] = values[i];
      }
    }
    String applicationName = rs.getString("application_name");
    String clientAddress = rs.getString("client_addr");
    return new Session(
        rs.getInt("pid"),
        rs.getString("datname"),
        rs.getString("usename"),
        applicationName,
        clientAddress,
        rs.getString("backend_type"),
        rs.getObject("backend_start", OffsetDateTime.class),
        xactStart,
        queryStart,
        state,
        rs.getString("wait_event_type"),
        rs.getString("wait_event"),
        visible ? query : null,
        visible,
        blockedBy,
        age(stateChange, now),
        age(xactStart, now),
        age(queryStart, now),
        Origin.of(
            query,
            applicationName,
            clientAddress,
            rs.getString("backend_type"),
            "idle".equals(state),
            visible));
  }

  private static Duration age(OffsetDateTime since, OffsetDateTime now) {
    return since == null || now == null ? null : Duration.between(since, now);
  }

  private static LockInfo lock(ResultSet rs) throws SQLException {
    String type = rs.getString("locktype");
    String relationName = rs.getString("relname");
    long relation = rs.getLong("relation");
    String relationShown = relationName != null ? relationName : "relation " + relation;
    String target;
    String description;
    switch (type) {
      case "relation":
        target = "relation/" + rs.getLong("database") + "/" + relation;
        description = relationShown;
        break;
      case "extend":
        target = "extend/" + rs.getLong("database") + "/" + relation;
        description = "extension of " + relationShown;
        break;
      case "page":
        target = "page/" + rs.getLong("database") + "/" + relation + "/" + rs.getInt("page");
        description = "page " + rs.getInt("page") + " of " + relationShown;
        break;
      case "tuple":
        target =
            "tuple/"
                + rs.getLong("database")
                + "/"
                + relation
                + "/"
                + rs.getInt("page")
                + "/"
                + rs.getInt("tuple");
        description = "a row of " + relationShown;
        break;
      case "transactionid":
        target = "transactionid/" + rs.getString("xid");
        description = "transaction " + rs.getString("xid");
        break;
      case "virtualxid":
        target = "virtualxid/" + rs.getString("virtualxid");
        description = "virtual transaction " + rs.getString("virtualxid");
        break;
      case "advisory":
        target =
            "advisory/"
                + rs.getLong("database")
                + "/"
                + rs.getLong("classid")
                + "/"
                + rs.getLong("objid")
                + "/"
                + rs.getInt("objsubid");
        description = "advisory lock " + rs.getLong("classid") + ":" + rs.getLong("objid");
        break;
      default:
        target =
            type
                + "/"
                + rs.getLong("database")
                + "/"
                + rs.getLong("classid")
                + "/"
                + rs.getLong("objid")
                + "/"
                + rs.getInt("objsubid");
        description = type + " " + rs.getLong("classid") + "/" + rs.getLong("objid");
    }
    return new LockInfo(
        rs.getInt("pid"), rs.getString("mode"), rs.getBoolean("granted"), target, description);
  }
}
