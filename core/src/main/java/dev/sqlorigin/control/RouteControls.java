package dev.sqlorigin.control;

import dev.sqlorigin.log.AgentLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The operator's route blocks and concurrency caps, from three layers: the settings the JVM started
 * with ({@code sqlorigin.routes.*}), the control file shared by a fleet (which replaces the
 * settings' list for each key it holds), and JMX operations, which stay with this JVM and are
 * listed apart. Requests consult it as they start (and again when a framework refines their route);
 * with nothing configured that is one volatile read.
 */
public final class RouteControls {

  /** Where a rule came from, as listed and logged. */
  public enum Source {
    SETTINGS("setting"),
    CONTROL_FILE("control file"),
    JMX("JMX, this JVM only");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  // Refusals are counted by route; routes are templates, but a wildcard rule can cover many:
  // past this many, refusals of new routes are counted under one entry.
  static final int MAX_COUNTED_ROUTES = 1_000;
  static final String OTHER_ROUTES = "{other}";
  static final long LIMIT_LOG_INTERVAL_NANOS = 60_000_000_000L;

  private static final RouteControls INSTANCE = new RouteControls();

  private volatile Rules rules = Rules.NONE;

  // The layers, guarded by this.
  private Set<RoutePattern> settingsBlocked = Collections.emptySet();
  private Set<RoutePattern> fileBlocked; // null: the file does not say
  private final Set<RoutePattern> jmxBlocked = new LinkedHashSet<>();
  private final Set<RoutePattern> jmxUnblocked = new LinkedHashSet<>();
  private Map<RoutePattern, Integer> settingsLimits = Collections.emptyMap();
  private Map<RoutePattern, Integer> fileLimits; // null: the file does not say
  private long queueTimeoutNanos;

  // One per cap pattern ever configured, kept across reloads (see Limit).
  private final Map<RoutePattern, Limit> limits = new ConcurrentHashMap<>();
  private final Map<String, RouteCounts> refusals = new ConcurrentHashMap<>();

  RouteControls() {}

  /** The JVM's controls. */
  public static RouteControls get() {
    return INSTANCE;
  }

  /** The effective rules: immutable, replaced whole on every change. */
  private static final class Rules {
    static final Rules NONE = new Rules(Collections.emptyMap(), Collections.emptyMap(), 0);

    final RouteTable<RoutePattern> blocks;
    final RouteTable<Limit> limits;
    final Map<RoutePattern, Source> blockList;
    final long queueTimeoutNanos;
    final boolean active;

    Rules(Map<RoutePattern, Source> blockList, Map<RoutePattern, Limit> limitList, long queue) {
      this.blockList = blockList;
      Map<RoutePattern, RoutePattern> byPattern = new LinkedHashMap<>();
      blockList.keySet().forEach(pattern -> byPattern.put(pattern, pattern));
      this.blocks = new RouteTable<>(byPattern);
      this.limits = new RouteTable<>(limitList);
      this.queueTimeoutNanos = queue;
      this.active = !blocks.isEmpty() || !limits.isEmpty();
    }
  }

  // ---- the request path ----

  /** Whether any block or cap is in force; when not, a request needs nothing more from here. */
  public boolean active() {
    return rules.active;
  }

  /**
   * The refusal for a request on {@code route} if a block covers it (counted), or null. A request
   * let through still has to {@link #admit} its cap.
   */
  public Refusal refuseIfBlocked(String route) {
    Rules current = rules;
    if (!current.active) {
      return null;
    }
    RoutePattern pattern = blockCovering(current, route);
    if (pattern == null) {
      return null;
    }
    counts(route).blocked.increment();
    return new Refusal(
        Refusal.Reason.BLOCKED,
        route,
        Refusal.BLOCKED_RETRY_AFTER_SECONDS,
        "sqlorigin: "
            + route
            + " is blocked by the operator (rule '"
            + pattern
            + "', "
            + current.blockList.get(pattern).label()
            + "); retry later");
  }

  /** Whether a block covers {@code route} now (for requests already running). */
  public boolean blocked(String route) {
    Rules current = rules;
    return current.active && blockCovering(current, route) != null;
  }

  private static RoutePattern blockCovering(Rules current, String route) {
    return current.blocks.isEmpty() ? null : current.blocks.find(route);
  }

  /** The cap covering {@code route}, or null. */
  public Limit limitFor(String route) {
    Rules current = rules;
    return current.active ? current.limits.find(route) : null;
  }

  /**
   * Takes a slot of {@code limit} for a request on {@code route}, waiting up to the queue timeout;
   * returns null when it got one (the caller releases it when the request ends), or the refusal
   * (counted, and logged at most once a minute per route).
   */
  public Refusal admit(String route, Limit limit) {
    if (limit.acquire(rules.queueTimeoutNanos)) {
      return null;
    }
    RouteCounts counts = counts(route);
    counts.limited.increment();
    counts.logLimited(route, limit);
    return new Refusal(
        Refusal.Reason.CONCURRENCY_LIMIT,
        route,
        Refusal.LIMIT_RETRY_AFTER_SECONDS,
        "sqlorigin: "
            + route
            + " is at its limit of "
            + limit.max()
            + (limit.max() == 1 ? " concurrent request" : " concurrent requests")
            + " (rule '"
            + limit
            + "'); retry later");
  }

  private RouteCounts counts(String route) {
    RouteCounts counts = refusals.get(route);
    if (counts == null) {
      String key = refusals.size() < MAX_COUNTED_ROUTES ? route : OTHER_ROUTES;
      counts = refusals.computeIfAbsent(key, k -> new RouteCounts());
    }
    return counts;
  }

  /** Refusals of one route, and when its cap refusals were last logged. */
  private static final class RouteCounts {
    final LongAdder blocked = new LongAdder();
    final LongAdder limited = new LongAdder();
    final AtomicLong unlogged = new AtomicLong();
    final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LIMIT_LOG_INTERVAL_NANOS);

    void logLimited(String route, Limit limit) {
      unlogged.incrementAndGet();
      long now = System.nanoTime();
      long last = lastLogged.get();
      if (now - last >= LIMIT_LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
        long count = unlogged.getAndSet(0);
        AgentLog.info(
            route
                + ": "
                + count
                + (count == 1 ? " request" : " requests")
                + " refused (503) at the concurrency limit of "
                + limit.max()
                + " (rule '"
                + limit
                + "') since the last line about it; the next comes a minute later at the earliest");
      }
    }
  }

  // ---- changes ----

  /** The settings this JVM started with; returns the blocks now in force, or null if none. */
  public synchronized String settings(
      Set<RoutePattern> blocked, Map<RoutePattern, Integer> maxConcurrent, long queueTimeout) {
    settingsBlocked = blocked;
    settingsLimits = maxConcurrent;
    queueTimeoutNanos = queueTimeout;
    return rebuild();
  }

  /**
   * The control file's lists ({@code null}: the file does not hold that key, the settings apply).
   * Returns how the blocks in force changed, or null when they did not.
   */
  public synchronized String file(
      Set<RoutePattern> blocked, Map<RoutePattern, Integer> maxConcurrent) {
    fileBlocked = blocked;
    fileLimits = maxConcurrent;
    return rebuild();
  }

  /**
   * Blocks {@code pattern} in this JVM; returns what was done, in one line (the caller logs it).
   */
  public synchronized String block(RoutePattern pattern) {
    if (jmxUnblocked.remove(pattern)) {
      return "this JVM no longer makes an exception to the "
          + (fileBlocked != null ? Source.CONTROL_FILE : Source.SETTINGS).label()
          + "'s block: "
          + rebuild();
    }
    if (baseBlocked().contains(pattern) || !jmxBlocked.add(pattern)) {
      return pattern + " is already blocked";
    }
    return rebuild();
  }

  /**
   * Lifts a block of {@code pattern} in this JVM; returns what was done, in one line (the caller
   * logs it).
   */
  public synchronized String unblock(RoutePattern pattern) {
    if (jmxBlocked.remove(pattern)) {
      return rebuild();
    }
    if (baseBlocked().contains(pattern) && jmxUnblocked.add(pattern)) {
      return "in this JVM only, over the "
          + (fileBlocked != null ? Source.CONTROL_FILE : Source.SETTINGS).label()
          + " (blockRoute lifts this exception): "
          + rebuild();
    }
    Rules current = rules;
    for (RoutePattern blocked : current.blockList.keySet()) {
      if (blocked.matches(pattern.toString())) {
        return pattern
            + " is not blocked as such: it is covered by '"
            + blocked
            + "' ("
            + current.blockList.get(blocked).label()
            + "); unblock that pattern";
      }
    }
    return pattern + " is not blocked";
  }

  private Set<RoutePattern> baseBlocked() {
    return fileBlocked != null ? fileBlocked : settingsBlocked;
  }

  /** Rebuilds the effective rules; returns how the blocks in force changed, or null. */
  private String rebuild() {
    Map<RoutePattern, Source> blocks = new LinkedHashMap<>();
    Source base = fileBlocked != null ? Source.CONTROL_FILE : Source.SETTINGS;
    for (RoutePattern pattern : baseBlocked()) {
      if (!jmxUnblocked.contains(pattern)) {
        blocks.put(pattern, base);
      }
    }
    for (RoutePattern pattern : jmxBlocked) {
      blocks.putIfAbsent(pattern, Source.JMX);
    }
    Map<RoutePattern, Limit> caps = new LinkedHashMap<>();
    Map<RoutePattern, Integer> wanted = fileLimits != null ? fileLimits : settingsLimits;
    wanted.forEach(
        (pattern, max) -> {
          Limit limit = limits.computeIfAbsent(pattern, p -> new Limit(p, max));
          limit.max(max);
          caps.put(pattern, limit);
        });
    Rules previous = rules;
    rules = new Rules(Collections.unmodifiableMap(blocks), caps, queueTimeoutNanos);
    if (previous.blockList.equals(blocks)) {
      return null;
    }
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    blocks.forEach(
        (pattern, source) -> {
          if (!previous.blockList.containsKey(pattern)) {
            added.add(pattern + " (" + source.label() + ")");
          }
        });
    for (RoutePattern pattern : previous.blockList.keySet()) {
      if (!blocks.containsKey(pattern)) {
        removed.add(pattern.toString());
      }
    }
    return (added.isEmpty() ? "" : "blocked " + String.join(", ", added))
        + (added.isEmpty() || removed.isEmpty() ? "" : "; ")
        + (removed.isEmpty() ? "" : "unblocked " + String.join(", ", removed))
        + "; blocks in force: "
        + (blocks.isEmpty() ? "none" : String.join(", ", toStrings(blocks.keySet())));
  }

  private static List<String> toStrings(Set<RoutePattern> patterns) {
    List<String> texts = new ArrayList<>();
    patterns.forEach(pattern -> texts.add(pattern.toString()));
    return texts;
  }

  // ---- what operators and metrics read ----

  /** One line per block in force, with where it came from; then this JVM's exceptions. */
  public synchronized List<String> blockListing() {
    List<String> lines = new ArrayList<>();
    rules.blockList.forEach((pattern, source) -> lines.add(pattern + " (" + source.label() + ")"));
    for (RoutePattern pattern : jmxUnblocked) {
      lines.add(
          pattern
              + " unblocked ("
              + Source.JMX.label()
              + ") over the "
              + (fileBlocked != null ? Source.CONTROL_FILE : Source.SETTINGS).label());
    }
    return lines;
  }

  /** One line per cap in force: the rule, the requests holding a slot, where it came from. */
  public synchronized List<String> limitListing() {
    List<String> lines = new ArrayList<>();
    Map<RoutePattern, Integer> wanted = fileLimits != null ? fileLimits : settingsLimits;
    Source source = fileLimits != null ? Source.CONTROL_FILE : Source.SETTINGS;
    for (RoutePattern pattern : wanted.keySet()) {
      Limit limit = limits.get(pattern);
      lines.add(
          String.format(
              Locale.ROOT,
              "%s: %d of %d running (%s)",
              pattern,
              limit.running(),
              limit.max(),
              source.label()));
    }
    return lines;
  }

  /** Requests refused since start, by route: {@code [blocked, at a concurrency limit]}. */
  public Map<String, long[]> refusalsByRoute() {
    Map<String, long[]> counts = new LinkedHashMap<>();
    refusals.forEach(
        (route, c) -> counts.put(route, new long[] {c.blocked.sum(), c.limited.sum()}));
    return counts;
  }
}
