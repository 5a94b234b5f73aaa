package dev.sqlorigin.agent.otel;

import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.RouteControls;
import dev.sqlorigin.lifecycle.RequestRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What runs now, by route, read when the metrics are collected (an export, a scrape), so that
 * monitoring alerts while a statement runs rather than after: statements in flight and the age of
 * the oldest; and the requests refused by route blocks and concurrency caps.
 */
final class RouteMetrics {

  static final AttributeKey<String> REFUSAL_REASON =
      AttributeKey.stringKey("sqlorigin.refusal.reason");
  // A route that served requests is reported (as 0) while none of its statements runs, so that its
  // series falls instead of vanishing; bounded like the routes themselves.
  private static final int MAX_ROUTES = 1_000;

  private final Set<String> served = ConcurrentHashMap.newKeySet();

  private RouteMetrics() {}

  /** A request of {@code route} ended: its series are reported from now on. */
  void served(String route) {
    // Looked up first: adding a route already there still locks its bin, and every request of a
    // route would take the same lock on every thread that serves it.
    if (!served.contains(route) && served.size() < MAX_ROUTES) {
      served.add(route);
    }
  }

  static RouteMetrics register(Meter meter) {
    RouteMetrics metrics = new RouteMetrics();
    ObservableLongMeasurement inFlight =
        meter
            .upDownCounterBuilder("sqlorigin.statements.in_flight")
            .setUnit("{statement}")
            .setDescription("Statements running now, by route.")
            .buildObserver();
    ObservableDoubleMeasurement oldest =
        meter
            .gaugeBuilder("sqlorigin.statements.oldest_age")
            .setUnit("s")
            .setDescription("How long the oldest statement running now has run, by route.")
            .buildObserver();
    meter.batchCallback(() -> metrics.observe(inFlight, oldest), inFlight, oldest);
    meter
        .counterBuilder("sqlorigin.requests.refused")
        .setUnit("{request}")
        .setDescription(
            "Requests answered 503 before their handler ran, by route and reason (blocked,"
                + " concurrency_limit).")
        .buildWithCallback(
            out ->
                RouteControls.get()
                    .refusalsByRoute()
                    .forEach(
                        (route, counts) -> {
                          Attributes base = routeAttributes(route);
                          if (counts[0] > 0) {
                            out.record(
                                counts[0], base.toBuilder().put(REFUSAL_REASON, "blocked").build());
                          }
                          if (counts[1] > 0) {
                            out.record(
                                counts[1],
                                base.toBuilder().put(REFUSAL_REASON, "concurrency_limit").build());
                          }
                        }));
    return metrics;
  }

  private void observe(ObservableLongMeasurement inFlight, ObservableDoubleMeasurement oldest) {
    long now = System.nanoTime();
    Map<Attributes, long[]> byRoute = new HashMap<>(); // {count, oldest start}
    for (RequestContext request : RequestRegistry.snapshot()) {
      Map<Object, Long> statements = request.statementsInFlight();
      if (statements.isEmpty()) {
        continue;
      }
      long[] route =
          byRoute.computeIfAbsent(routeAttributes(request.route()), k -> new long[] {0, now});
      route[0] += statements.size();
      long start = request.oldestStatementStart(now);
      route[1] = start - route[1] < 0 ? start : route[1];
    }
    for (String route : served) {
      byRoute.computeIfAbsent(routeAttributes(route), k -> new long[] {0, now});
    }
    byRoute.forEach(
        (attributes, route) -> {
          inFlight.record(route[0], attributes);
          oldest.record((now - route[1]) / 1e9, attributes);
        });
  }

  /** {@code http.request.method} and {@code http.route} of one of sqlorigin's routes. */
  static Attributes routeAttributes(String route) {
    int space = route.indexOf(' ');
    return space < 0
        ? Attributes.of(OtelTelemetry.HTTP_ROUTE, route)
        : Attributes.of(
            OtelTelemetry.HTTP_METHOD,
            route.substring(0, space),
            OtelTelemetry.HTTP_ROUTE,
            route.substring(space + 1));
  }
}
