package dev.sqlorigin.cli.view;

import dev.sqlorigin.cli.snapshot.LockInfo;
import dev.sqlorigin.cli.snapshot.Session;
import dev.sqlorigin.cli.snapshot.Snapshot;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who blocks whom, from {@code pg_blocking_pids}: root blockers (blocking others, waiting on no
 * lock themselves) first, each with the sessions waiting behind it, recursively. A session waiting
 * for several blockers is drawn under the first and marked as a repeat under the others; a wait
 * cycle (a deadlock the server has not broken yet) is drawn once round, its closing edge marked,
 * and a cycle that no root leads to is drawn from its oldest transaction.
 */
public final class LockTree {

  /**
   * A session in the tree.
   *
   * @param session null when the blocker is not in {@code pg_stat_activity} (pid 0: a prepared
   *     transaction)
   * @param waitsFor the lock it waits for: mode and what is locked, or null
   * @param holds the locks it holds that its waiters want (or {@code ahead in the queue for …} when
   *     its waiters queue behind its own request)
   * @param blocks how many sessions wait behind it, directly or not
   * @param repeat drawn in full elsewhere (it waits for several blockers)
   * @param closesCycle it is the session this branch started from: the waits go round
   * @param alsoWaitsFor its other blockers
   */
  public record Node(
      int pid,
      Session session,
      String waitsFor,
      List<String> holds,
      int blocks,
      boolean repeat,
      boolean closesCycle,
      List<Integer> alsoWaitsFor,
      List<Node> waiters) {}

  private final List<Node> roots;
  private final int waiting;
  private final List<List<Integer>> cycles;
  private final String verdict;

  private LockTree(List<Node> roots, int waiting, List<List<Integer>> cycles, String verdict) {
    this.roots = roots;
    this.waiting = waiting;
    this.cycles = cycles;
    this.verdict = verdict;
  }

  /** Root blockers, those blocking the most first. */
  public List<Node> roots() {
    return roots;
  }

  /** How many sessions wait on a lock. */
  public int waiting() {
    return waiting;
  }

  /** The wait cycles, each as the pids that wait for one another. */
  public List<List<Integer>> cycles() {
    return cycles;
  }

  /**
   * One line that says what matters: {@code pid 4711 (POST /api/campaign-participations, idle in
   * transaction 9m02s) blocks 37 sessions}.
   */
  public String verdict() {
    return verdict;
  }

  public static LockTree of(Snapshot snapshot, Filter filter) {
    return new Builder(snapshot).build(filter);
  }

  private static final class Builder {
    private final Snapshot snapshot;
    private final Map<Integer, Session> sessions = new HashMap<>();
    private final Map<Integer, List<Integer>> blockersOf = new TreeMap<>();
    private final Map<Integer, List<Integer>> waitersOf = new HashMap<>();
    private final Set<Integer> expanded = new HashSet<>();

    Builder(Snapshot snapshot) {
      this.snapshot = snapshot;
      for (Session session : snapshot.sessions()) {
        sessions.put(session.pid(), session);
      }
      for (Session session : snapshot.sessions()) {
        if (session.blockedBy().length == 0) {
          continue;
        }
        List<Integer> blockers = new ArrayList<>();
        for (int blocker : session.blockedBy()) {
          if (!blockers.contains(blocker)) {
            blockers.add(blocker);
            waitersOf.computeIfAbsent(blocker, b -> new ArrayList<>()).add(session.pid());
          }
        }
        blockersOf.put(session.pid(), blockers);
      }
      Comparator<Integer> longestWaitingFirst =
          Comparator.comparing((Integer pid) -> age(sessions.get(pid)), Comparator.reverseOrder())
              .thenComparing(pid -> pid);
      for (List<Integer> waiters : waitersOf.values()) {
        waiters.sort(longestWaitingFirst);
      }
    }

    LockTree build(Filter filter) {
      List<Integer> rootPids = new ArrayList<>();
      for (Integer blocker : waitersOf.keySet()) {
        if (!blockersOf.containsKey(blocker)) {
          rootPids.add(blocker);
        }
      }
      // Cycles that no root leads into: a deadlock not broken yet, or one that waits for nobody
      // outside itself.
      List<List<Integer>> cycles = cycles();
      Set<Integer> reached = new HashSet<>();
      for (Integer root : rootPids) {
        reached.addAll(reachable(root));
      }
      for (List<Integer> cycle : cycles) {
        if (cycle.stream().noneMatch(reached::contains)) {
          rootPids.add(
              cycle.stream()
                  .min(
                      Comparator.comparing(
                              (Integer pid) -> xactAge(sessions.get(pid)),
                              Comparator.reverseOrder())
                          .thenComparing(pid -> pid))
                  .orElseThrow());
        }
      }
      Map<Integer, Integer> blocks = new HashMap<>();
      for (Integer pid : waitersOf.keySet()) {
        blocks.put(pid, reachable(pid).size() - (isInCycle(pid, cycles) ? 1 : 0));
      }
      rootPids.sort(
          Comparator.comparing(
                  (Integer pid) -> blocks.getOrDefault(pid, 0), Comparator.reverseOrder())
              .thenComparing(pid -> age(sessions.get(pid)), Comparator.reverseOrder())
              .thenComparing(pid -> pid));
      List<Node> roots = new ArrayList<>();
      for (Integer root : rootPids) {
        Node node = node(root, new ArrayDeque<>(), blocks);
        if (matches(node, filter)) {
          roots.add(node);
        }
      }
      List<Node> shown = roots.subList(0, filter.cap(roots.size()));
      return new LockTree(shown, blockersOf.size(), cycles, verdict(roots, cycles));
    }

    private Node node(int pid, Deque<Integer> path, Map<Integer, Integer> blocks) {
      Session session = sessions.get(pid);
      List<Integer> blockers = blockersOf.getOrDefault(pid, List.of());
      List<Integer> others = new ArrayList<>(blockers);
      if (!path.isEmpty()) {
        others.remove(path.peek());
      }
      String waitsFor = waitsFor(pid);
      int count = blocks.getOrDefault(pid, 0);
      if (path.contains(pid)) {
        return new Node(pid, session, waitsFor, List.of(), count, false, true, others, List.of());
      }
      if (!expanded.add(pid)) {
        return new Node(pid, session, waitsFor, List.of(), count, true, false, others, List.of());
      }
      path.push(pid);
      List<Node> waiters = new ArrayList<>();
      for (Integer waiter : waitersOf.getOrDefault(pid, List.of())) {
        waiters.add(node(waiter, path, blocks));
      }
      path.pop();
      return new Node(
          pid, session, waitsFor, holds(pid), count, false, false, others, List.copyOf(waiters));
    }

    /** The lock {@code pid} waits for, as {@code AccessExclusiveLock on accounts}, or null. */
    private String waitsFor(int pid) {
      List<LockInfo> locks = snapshot.locks().getOrDefault(pid, List.of());
      for (LockInfo lock : locks) {
        if (!lock.granted()) {
          String shown = lock.mode() + " on " + lock.description();
          if (lock.target().startsWith("transactionid/")) {
            // A row lock: the waiter queues on the holder's transaction, with the row's tuple lock.
            for (LockInfo held : locks) {
              if (held.granted() && held.target().startsWith("tuple/")) {
                return shown + " (" + held.description() + ")";
              }
            }
          }
          return shown;
        }
      }
      return null;
    }

    /** What {@code pid} holds that its waiters want; or what it queues for ahead of them. */
    private List<String> holds(int pid) {
      Set<String> wanted = new HashSet<>();
      for (Integer waiter : waitersOf.getOrDefault(pid, List.of())) {
        for (LockInfo lock : snapshot.locks().getOrDefault(waiter, List.of())) {
          if (!lock.granted()) {
            wanted.add(lock.target());
          }
        }
      }
      Set<String> holds = new LinkedHashSet<>();
      for (LockInfo lock : snapshot.locks().getOrDefault(pid, List.of())) {
        if (wanted.contains(lock.target())) {
          holds.add(
              (lock.granted() ? "" : "ahead in the queue for ")
                  + lock.mode()
                  + " on "
                  + lock.description());
        }
      }
      return List.copyOf(holds);
    }

    private Set<Integer> reachable(int from) {
      Set<Integer> seen = new HashSet<>();
      Deque<Integer> todo = new ArrayDeque<>(waitersOf.getOrDefault(from, List.of()));
      while (!todo.isEmpty()) {
        Integer pid = todo.pop();
        if (seen.add(pid)) {
          todo.addAll(waitersOf.getOrDefault(pid, List.of()));
        }
      }
      return seen;
    }

    /** Strongly connected sets of more than one session in the waits-for graph (Tarjan). */
    private List<List<Integer>> cycles() {
      List<List<Integer>> found = new ArrayList<>();
      Map<Integer, Integer> index = new HashMap<>();
      Map<Integer, Integer> low = new HashMap<>();
      Deque<Integer> stack = new ArrayDeque<>();
      Set<Integer> onStack = new HashSet<>();
      int[] counter = {0};
      for (Integer pid : new TreeSet<>(blockersOf.keySet())) {
        if (!index.containsKey(pid)) {
          strongConnect(pid, index, low, stack, onStack, counter, found);
        }
      }
      return found;
    }

    private void strongConnect(
        Integer pid,
        Map<Integer, Integer> index,
        Map<Integer, Integer> low,
        Deque<Integer> stack,
        Set<Integer> onStack,
        int[] counter,
        List<List<Integer>> found) {
      index.put(pid, counter[0]);
      low.put(pid, counter[0]);
      counter[0]++;
      stack.push(pid);
      onStack.add(pid);
      for (Integer blocker : blockersOf.getOrDefault(pid, List.of())) {
        if (!index.containsKey(blocker)) {
          strongConnect(blocker, index, low, stack, onStack, counter, found);
          low.put(pid, Math.min(low.get(pid), low.get(blocker)));
        } else if (onStack.contains(blocker)) {
          low.put(pid, Math.min(low.get(pid), index.get(blocker)));
        }
      }
      if (low.get(pid).equals(index.get(pid))) {
        List<Integer> component = new ArrayList<>();
        Integer member;
        do {
          member = stack.pop();
          onStack.remove(member);
          component.add(member);
        } while (!member.equals(pid));
        if (component.size() > 1) {
          component.sort(Comparator.naturalOrder());
          found.add(List.copyOf(component));
        }
      }
    }

    private static boolean isInCycle(int pid, List<List<Integer>> cycles) {
      return cycles.stream().anyMatch(cycle -> cycle.contains(pid));
    }

    private static boolean matches(Node node, Filter filter) {
      if (filter.route() == null && filter.application() == null && filter.minAge() == null) {
        return true;
      }
      if (node.session() != null && filter.matches(node.session())) {
        return true;
      }
      return node.waiters().stream().anyMatch(waiter -> matches(waiter, filter));
    }

    private String verdict(List<Node> roots, List<List<Integer>> cycles) {
      if (blockersOf.isEmpty()) {
        return "no session waits on a lock";
      }
      StringBuilder verdict = new StringBuilder();
      List<Node> plain = roots.stream().filter(r -> !isInCycle(r.pid(), cycles)).toList();
      if (!plain.isEmpty()) {
        Node top = plain.get(0);
        verdict
            .append(describe(top))
            .append(" blocks ")
            .append(top.blocks())
            .append(top.blocks() == 1 ? " session" : " sessions");
        if (plain.size() > 1) {
          int others = plain.size() - 1;
          verdict
              .append("; ")
              .append(others)
              .append(" other root blocker")
              .append(others == 1 ? "" : "s");
        }
      }
      for (List<Integer> cycle : cycles) {
        verdict.append(verdict.length() == 0 ? "" : "; ");
        verdict
            .append("pids ")
            .append(join(cycle))
            .append(" wait for one another (a deadlock: the server cancels one of them after")
            .append(" deadlock_timeout)");
      }
      if (verdict.length() == 0) {
        verdict.append(blockersOf.size()).append(" sessions wait on a lock");
      }
      return verdict.toString();
    }

    private static String describe(Node node) {
      if (node.session() == null) {
        return node.pid() == 0 ? "a prepared transaction" : "pid " + node.pid() + " (not visible)";
      }
      return "pid "
          + node.pid()
          + " ("
          + dev.sqlorigin.cli.render.Inert.line(node.session().origin().label(), 80)
          + ", "
          + node.session().stateWithAge()
          + ")";
    }

    private static String join(List<Integer> pids) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < pids.size(); i++) {
        out.append(i == 0 ? "" : i == pids.size() - 1 ? " and " : ", ").append(pids.get(i));
      }
      return out.toString();
    }

    private static Duration age(Session session) {
      return session == null || session.age() == null ? Duration.ZERO : session.age();
    }

    private static Duration xactAge(Session session) {
      return session == null || session.xactAge() == null ? Duration.ZERO : session.xactAge();
    }
  }
}
