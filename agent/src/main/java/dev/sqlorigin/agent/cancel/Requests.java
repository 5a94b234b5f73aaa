package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.agent.control.Controls;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.ConnectionWait;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.RouteControls;
import dev.sqlorigin.database.BackendPid;
import dev.sqlorigin.lifecycle.Counters;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestRegistry;
import dev.sqlorigin.log.AgentLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The JMX MBean over the {@link RequestRegistry} and the {@link Counters}. */
public final class Requests implements RequestsMXBean {

  public static final String NAME = "dev.sqlorigin:type=Requests";

  /** Registers the MBean into {@code server}, the platform MBean server; a failure is said once. */
  public static void register(MBeanServer server) {
    try {
      server.registerMBean(new Requests(), new ObjectName(NAME));
    } catch (JMException | RuntimeException e) {
      AgentLog.warnOnce("jmx", "the JMX MBean " + NAME + " is not available", e);
    }
  }

  @Override
  public List<String> getRequests() {
    long now = System.nanoTime();
    List<String> lines = new ArrayList<>();
    for (RequestContext request : RequestRegistry.snapshot()) {
      long oldest = request.oldestStatementStart(now);
      int waits = 0;
      // The backends serving its statements, to find them in pg_stat_activity (and back).
      StringBuilder pids = new StringBuilder();
      for (Object inFlight : request.statementsInFlight().keySet()) {
        if (inFlight instanceof ConnectionWait) {
          waits++;
          continue;
        }
        int pid = BackendPid.of(inFlight);
        if (pid > 0) {
          pids.append(pids.length() == 0 ? " | backend pid " : ", ").append(pid);
        }
      }
      lines.add(
          String.format(
              Locale.ROOT,
              "%s | %s | age %.1f s | %d statement(s) in flight%s, oldest %.1f s%s%s",
              request.route(),
              request.requestId(),
              (now - request.startNanos()) / 1e9,
              request.statementsInFlight().size() - waits,
              waits == 0 ? "" : " and " + waits + " waiting for a connection",
              (now - oldest) / 1e9,
              pids,
              request.abandonment() == null
                  ? ""
                  : " | " + request.abandonment().reason().description()));
    }
    return lines;
  }

  @Override
  public int cancelRequest(String requestId) {
    return abandonWhere(request -> request.requestId().equals(requestId));
  }

  @Override
  public int cancelRoute(String route) {
    return abandonWhere(request -> request.route().equals(route));
  }

  private static int abandonWhere(Predicate<RequestContext> selected) {
    int matched = 0;
    for (RequestContext request : RequestRegistry.snapshot()) {
      if (selected.test(request)) {
        RequestLifecycle.abandon(request, AbandonReason.OPERATOR);
        matched++;
      }
    }
    return matched;
  }

  @Override
  public Map<String, Long> getAbandonedByReason() {
    Map<String, Long> counts = new LinkedHashMap<>();
    Counters.abandonedByReason().forEach((reason, count) -> counts.put(reason.key(), count));
    return counts;
  }

  @Override
  public Map<String, Long> getCancelFailures() {
    Map<String, Long> counts = new LinkedHashMap<>();
    Counters.cancelFailures().forEach((outcome, count) -> counts.put(outcome.key(), count));
    return counts;
  }

  @Override
  public long getStatementsCancelled() {
    return Counters.statementsCancelled();
  }

  @Override
  public int getConnectionWaits() {
    return Counters.connectionWaits();
  }

  @Override
  public int getStatementsInFlight() {
    return Counters.statementsInFlight();
  }

  @Override
  public String blockRoute(String route) {
    return Controls.block(route);
  }

  @Override
  public String unblockRoute(String route) {
    return Controls.unblock(route);
  }

  @Override
  public List<String> getBlockedRoutes() {
    return RouteControls.get().blockListing();
  }

  @Override
  public List<String> getRouteLimits() {
    return RouteControls.get().limitListing();
  }

  @Override
  public List<String> getRefusedRequests() {
    List<String> lines = new ArrayList<>();
    RouteControls.get()
        .refusalsByRoute()
        .forEach(
            (route, counts) ->
                lines.add(route + " blocked=" + counts[0] + " limited=" + counts[1]));
    return lines;
  }
}
