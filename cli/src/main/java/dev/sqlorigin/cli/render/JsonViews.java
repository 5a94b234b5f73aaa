package dev.sqlorigin.cli.render;

import dev.sqlorigin.cli.Durations;
import dev.sqlorigin.cli.snapshot.Session;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.view.Activity;
import dev.sqlorigin.cli.view.Applications;
import dev.sqlorigin.cli.view.Filter;
import dev.sqlorigin.cli.view.LockTree;
import dev.sqlorigin.cli.view.LockTree.Node;
import dev.sqlorigin.cli.view.LongStatements;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The views as JSON-ready maps. For {@code --json} values are as the server has them (the JSON
 * escapes make them inert); for the web page ({@code display}) every text is also passed through
 * {@link Inert}, so that the page shows control characters as the terminal does, and cut.
 */
public final class JsonViews {

  private final boolean display;

  private JsonViews(boolean display) {
    this.display = display;
  }

  /** Values as the server has them, for scripts. */
  public static JsonViews raw() {
    return new JsonViews(false);
  }

  /** Values made visible and cut, for a person. */
  public static JsonViews display() {
    return new JsonViews(true);
  }

  public Map<String, Object> header(Snapshot snapshot) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("taken_at", snapshot.takenAt().toString());
    out.put("server", text(snapshot.server(), 120));
    out.put("server_version", text(snapshot.serverVersion(), 40));
    out.put("role", text(snapshot.role(), 63));
    out.put("sessions", snapshot.clientSessions());
    out.put("hidden", snapshot.hidden());
    return out;
  }

  public Map<String, Object> activity(Snapshot snapshot, Filter filter) {
    Map<String, Object> out = header(snapshot);
    List<Object> groups = new ArrayList<>();
    for (Activity.Group group : Activity.groups(snapshot, filter)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("origin", text(group.origin(), 120));
      row.put("origin_source", group.source());
      row.put("application", text(group.application(), 63));
      row.put("sessions", group.sessions());
      row.put("active", group.active());
      row.put("waiting_on_lock", group.waitingOnLock());
      row.put("idle_in_transaction", group.idleInTransaction());
      row.put("oldest_idle_in_transaction_s", Durations.seconds(group.oldestIdleInTransaction()));
      row.put("oldest_statement_s", Durations.seconds(group.oldestStatement()));
      row.put("sample_request_id", text(group.sampleRequestId(), 64));
      row.put("sample_traceparent", text(group.sampleTraceparent(), 64));
      row.put("pids", group.pids());
      groups.add(row);
    }
    out.put("groups", groups);
    return out;
  }

  public Map<String, Object> locks(Snapshot snapshot, Filter filter) {
    LockTree tree = LockTree.of(snapshot, filter);
    Map<String, Object> out = header(snapshot);
    out.put("verdict", text(tree.verdict(), 400));
    out.put("waiting", tree.waiting());
    List<Object> roots = new ArrayList<>();
    for (Node root : tree.roots()) {
      roots.add(node(root));
    }
    out.put("roots", roots);
    out.put("cycles", tree.cycles());
    return out;
  }

  public List<Object> longStatements(Snapshot snapshot, Duration threshold, Filter filter) {
    List<Object> out = new ArrayList<>();
    for (Session session : LongStatements.of(snapshot, threshold, filter)) {
      out.add(session(session));
    }
    return out;
  }

  public List<Object> applications(Snapshot snapshot, Filter filter) {
    List<Object> out = new ArrayList<>();
    for (Applications.Row row : Applications.rows(snapshot, filter)) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("application", text(row.application(), 63));
      map.put("connections", row.connections());
      map.put("active", row.active());
      map.put("idle", row.idle());
      map.put("idle_in_transaction", row.idleInTransaction());
      map.put("databases", texts(row.databases()));
      map.put("users", texts(row.users()));
      map.put("client_addresses", row.clientAddresses());
      out.add(map);
    }
    return out;
  }

  private Map<String, Object> node(Node node) {
    Map<String, Object> out =
        node.session() == null ? new LinkedHashMap<>() : session(node.session());
    out.put("pid", node.pid());
    if (node.session() == null) {
      out.put("visible", false);
      out.put("origin", node.pid() == 0 ? "a prepared transaction" : "(not visible)");
    }
    out.put("waits_for", text(node.waitsFor(), 200));
    out.put("holds", texts(node.holds()));
    out.put("blocks", node.blocks());
    if (!node.alsoWaitsFor().isEmpty()) {
      out.put("also_waits_for", node.alsoWaitsFor());
    }
    if (node.repeat()) {
      out.put("repeat", true);
    }
    if (node.closesCycle()) {
      out.put("closes_cycle", true);
    }
    List<Object> waiters = new ArrayList<>();
    for (Node waiter : node.waiters()) {
      waiters.add(node(waiter));
    }
    out.put("waiters", waiters);
    return out;
  }

  private Map<String, Object> session(Session session) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pid", session.pid());
    out.put("origin", text(session.origin().label(), 120));
    out.put("origin_source", session.origin().source());
    out.put("request_id", text(session.origin().requestId(), 64));
    out.put("traceparent", text(session.origin().traceparent(), 64));
    out.put("application", text(session.origin().application(), 63));
    if (!display && !session.origin().fields().isEmpty()) {
      out.put("comment_fields", session.origin().fields());
    }
    out.put("visible", session.visible());
    out.put("user", text(session.user(), 63));
    out.put("database", text(session.database(), 63));
    out.put("client_addr", session.clientAddress());
    out.put("backend_type", session.backendType());
    out.put("state", session.state());
    out.put("state_age_s", Durations.seconds(session.stateAge()));
    out.put("age_s", Durations.seconds(session.age()));
    out.put("xact_age_s", Durations.seconds(session.xactAge()));
    out.put("query_start", session.queryStart() == null ? null : session.queryStart().toString());
    out.put("wait_event_type", session.waitEventType());
    out.put("wait_event", session.waitEvent());
    out.put("query", display ? LocksText.queryHead(session.query()) : session.query());
    return out;
  }

  private String text(String value, int max) {
    return value == null || !display ? value : Inert.line(value, max);
  }

  private List<String> texts(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String value : values) {
      out.add(text(value, 120));
    }
    return out;
  }
}
