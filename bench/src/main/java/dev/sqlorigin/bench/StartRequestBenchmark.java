package dev.sqlorigin.bench;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestStart;
import dev.sqlorigin.route.Routes;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the servlet advice adds once per HTTP request, default settings: {@link
 * RequestLifecycle#start} with the route and values Jetty reports for {@code GET /api/owners/42} (a
 * path mapping {@code /api/owners/*}), binding, the first {@link RequestContext#comment()} (which
 * renders the comment that every statement of the request then reuses) and {@link
 * RequestLifecycle#end} (without which the registry of active requests would grow for ever).
 * Echoing the ID in a response header is the container's cost and is left out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StartRequestBenchmark {

  /**
   * {@code generated}: no {@code X-Request-Id} came in, so one is generated (the common case
   * without a proxy that sets one); {@code incoming}: a UUID came in and is validated and kept.
   */
  @Param({"generated", "incoming"})
  public String requestId;

  private String incomingId;

  /**
   * {@code GET /api/owners/42} as the sample app's Jetty reports it; fields so the JIT cannot fold
   * them.
   */
  private static final class Servlet {
    static String method = "GET";
    static String contextPath = "";
    static String servletPath = "/api/owners";
    static String pathInfo = "/42";
    static String mappingPattern = "/api/owners/*";
    static String mappingMatch = "PATH";
    static String requestUri = "/api/owners/42";
    static int localPort = 8080;
    static int remotePort = 51234;
  }

  static RequestContext startOwnersRequest(String incomingId) {
    RequestStart start =
        RequestStart.http(
                Servlet.method,
                Routes.servlet(
                    Servlet.method,
                    Servlet.contextPath,
                    Servlet.servletPath,
                    Servlet.pathInfo,
                    Servlet.mappingPattern,
                    Servlet.mappingMatch))
            .requestId(incomingId)
            .queuedSince(null)
            .clientSocket(Servlet.localPort, Servlet.remotePort);
    if (RequestLifecycle.observed()) {
      start.trace(Servlet.requestUri, "http", null, null);
    }
    RequestContext context = RequestLifecycle.start(start);
    if (context == null) {
      throw new IllegalStateException("sqlorigin refused to start a request: see its log");
    }
    return context;
  }

  @Setup(Level.Trial)
  public void setUp() {
    Config.install(Config.load(Collections.emptyMap(), Collections.emptyMap()));
    incomingId = requestId.equals("incoming") ? "3f2c8a9e-6b1d-4f7a-9c3e-0d5b8e2a1f47" : null;
    // Refuses to measure a request that is not what the name says: the route-only comment of the
    // default settings, and the incoming ID kept (or one generated).
    RequestContext context = startOwnersRequest(incomingId);
    String comment = context.comment();
    boolean idAsExpected =
        incomingId != null
            ? incomingId.equals(context.requestId())
            : context.requestId().matches("[0-9a-f]{32}");
    RequestLifecycle.complete(context, 200, null);
    if (!comment.equals("/*sqlorigin route='GET /api/owners/{id}'*/") || !idAsExpected) {
      throw new IllegalStateException("unexpected request " + comment + " " + context.requestId());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    Config.install(Config.defaults());
  }

  @Benchmark
  public String request() {
    RequestContext context = startOwnersRequest(incomingId);
    Binding binding = RequestLifecycle.bind(context);
    String comment = context.comment();
    RequestLifecycle.end(binding, 200, null);
    return comment;
  }
}
