package dev.sqlorigin.cli.render;

import dev.sqlorigin.cli.Durations;
import dev.sqlorigin.cli.snapshot.Session;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.view.Filter;
import dev.sqlorigin.cli.view.LockTree;
import dev.sqlorigin.cli.view.LockTree.Node;
import dev.sqlorigin.comment.SqlComment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sqlorigin locks} as a tree: the verdict first, then each root blocker with what it holds
 * and runs, and under it who waits, recursively. Three or more waiters without waiters of their own
 * that share an origin and a lock are drawn as one line ({@code 10 × GET /api/accounts/{id}}).
 */
public final class LocksText {

  static final int QUERY_WIDTH = 120;
  private static final int COLLAPSE_FROM = 3;

  private LocksText() {}

  public static List<String> lines(Snapshot snapshot, Filter filter, Glyphs glyphs) {
    LockTree tree = LockTree.of(snapshot, filter);
    List<String> lines = new ArrayList<>();
    lines.add(ActivityText.header("locks", snapshot, glyphs));
    lines.add(tree.verdict());
    if (tree.waiting() > 0) {
      lines.add(
          tree.roots().size()
              + (tree.roots().size() == 1 ? " root blocker, " : " root blockers, ")
              + tree.waiting()
              + (tree.waiting() == 1 ? " session waits" : " sessions wait")
              + " on a lock");
    }
    for (Node root : tree.roots()) {
      lines.add("");
      node(lines, root, "", "", glyphs);
    }
    lines.addAll(ActivityText.footer(snapshot));
    return lines;
  }

  private static void node(
      List<String> lines, Node node, String first, String rest, Glyphs glyphs) {
    Session session = node.session();
    StringBuilder head = new StringBuilder(first).append(node.pid()).append("  ");
    if (session == null) {
      head.append(node.pid() == 0 ? "a prepared transaction (pg_prepared_xacts)" : "(not visible)");
    } else {
      head.append(Inert.line(session.origin().label(), 80))
          .append("  ")
          .append(session.stateWithAge());
      if (session.xactAge() != null) {
        head.append("  xact ").append(Durations.format(session.xactAge()));
      }
    }
    if (node.blocks() > 0) {
      head.append("  blocks ").append(node.blocks());
    }
    if (node.closesCycle()) {
      head.append("  ").append(glyphs.cycle()).append(" the wait goes round: a deadlock");
    } else if (node.repeat()) {
      head.append("  (also waits for another blocker: drawn above)");
    }
    lines.add(head.toString());
    if (node.closesCycle() || node.repeat()) {
      return;
    }
    String indent = rest + (node.waiters().isEmpty() ? "   " : glyphs.pipe()) + "   ";
    List<String> facts = new ArrayList<>();
    if (session != null) {
      if (!session.origin().application().isEmpty()
          && !session.origin().application().equals(session.origin().label())) {
        facts.add("app " + Inert.line(session.origin().application(), 40));
      }
      if (session.origin().requestId() != null) {
        facts.add("req " + Inert.line(session.origin().requestId(), 40));
      }
      if (session.waitEventType() != null && session.isActive()) {
        facts.add("wait " + session.waitEventType() + ":" + session.waitEvent());
      }
    }
    if (node.waitsFor() != null) {
      facts.add("waits for " + Inert.line(node.waitsFor(), 120));
    }
    for (String held : node.holds()) {
      if (held.equals("ahead in the queue for " + node.waitsFor())) {
        facts.add("queued ahead of its waiters");
      } else {
        facts.add(
            held.startsWith("ahead") ? Inert.line(held, 120) : "holds " + Inert.line(held, 120));
      }
    }
    if (!node.alsoWaitsFor().isEmpty()) {
      facts.add("also waits for pid " + join(node.alsoWaitsFor()));
    }
    if (!facts.isEmpty()) {
      lines.add(indent + String.join(glyphs.dot(), facts));
    }
    if (session != null && session.query() != null) {
      lines.add(indent + queryHead(session.query()));
    }
    List<Object> children = collapse(node.waiters());
    for (int i = 0; i < children.size(); i++) {
      boolean last = i == children.size() - 1;
      String childFirst = rest + (last ? glyphs.last() : glyphs.branch());
      String childRest = rest + (last ? glyphs.blank() : glyphs.pipe());
      Object child = children.get(i);
      if (child instanceof Node) {
        node(lines, (Node) child, childFirst, childRest, glyphs);
      } else {
        @SuppressWarnings("unchecked")
        List<Node> same = (List<Node>) child;
        lines.add(childFirst + summary(same, glyphs));
      }
    }
  }

  /** The query, without sqlorigin's comment (the origin is shown already), on one line. */
  static String queryHead(String query) {
    return Inert.line(SqlComment.strip(query), QUERY_WIDTH);
  }

  /**
   * The waiters in drawing order: those with waiters of their own one by one, and leaves grouped by
   * origin and lock where three or more share them.
   */
  private static List<Object> collapse(List<Node> waiters) {
    List<Object> out = new ArrayList<>();
    Map<String, List<Node>> leaves = new LinkedHashMap<>();
    for (Node waiter : waiters) {
      if (!waiter.waiters().isEmpty()
          || waiter.session() == null
          || waiter.repeat()
          || waiter.closesCycle()) {
        out.add(waiter);
      } else {
        leaves
            .computeIfAbsent(
                waiter.session().origin().label() + "\u0000" + waiter.waitsFor(),
                key -> new ArrayList<>())
            .add(waiter);
      }
    }
    for (List<Node> same : leaves.values()) {
      if (same.size() >= COLLAPSE_FROM) {
        out.add(same);
      } else {
        out.addAll(same);
      }
    }
    return out;
  }

  private static String summary(List<Node> same, Glyphs glyphs) {
    Session oldest = same.get(0).session();
    List<Integer> pids = new ArrayList<>();
    for (Node node : same) {
      pids.add(node.pid());
    }
    return same.size()
        + " "
        + glyphs.times()
        + " "
        + Inert.line(oldest.origin().label(), 80)
        + "  "
        + oldest.state()
        + " up to "
        + Durations.format(oldest.age())
        + "  waits for "
        + Inert.line(same.get(0).waitsFor(), 120)
        + "  pids "
        + join(pids.size() > 8 ? pids.subList(0, 8) : pids)
        + (pids.size() > 8 ? " and " + (pids.size() - 8) + " more" : "");
  }

  private static String join(List<Integer> pids) {
    StringBuilder out = new StringBuilder();
    for (Integer pid : pids) {
      out.append(out.length() == 0 ? "" : " ").append(pid);
    }
    return out.toString();
  }
}
