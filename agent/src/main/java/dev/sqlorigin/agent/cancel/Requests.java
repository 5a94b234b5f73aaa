package dev.sqlorigin.agent.cancel;

import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.Counters;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestRegistry;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import javax.management.ObjectName;

/** The JMX MBean over the {@link RequestRegistry} and the {@link Counters}. */
public final class Requests implements RequestsMXBean {

  public static final String NAME = "dev.sqlorigin:type=Requests";

  public static void register() throws Exception {
    ManagementFactory.getPlatformMBeanServer().registerMBean(new Requests(), new ObjectName(NAME));
  }

  @Override
  public List<String> getRequests() {
    long now = System.nanoTime();
    List<String> lines = new ArrayList<>();
    for (RequestContext request : RequestRegistry.snapshot()) {
      long oldest = request.oldestStatementStart(now);
      lines.add(
          String.format(
              Locale.ROOT,
              "%s | %s | age %.1f s | %d statement(s) in flight, oldest %.1f s%s",
              request.route(),
              request.requestId(),
              (now - request.startNanos()) / 1e9,
              request.statementsInFlight().size(),
              (now - oldest) / 1e9,
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
  public int getStatementsInFlight() {
    return Counters.statementsInFlight();
  }
}
