package dev.sqlorigin.bench;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
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
 * What the JDBC advice adds to every {@code prepareStatement}/{@code execute}: {@link
 * Sqlorigin#tag(String)}, that is a thread-local read of the current request, its comment (rendered
 * once per request, so not measured here: see {@link StartRequestBenchmark}) and the insertion into
 * the SQL text.
 *
 * <p>Not measured here: the in-flight bookkeeping the execute advice does around each statement for
 * cancellation. The state is per thread because the request is bound to the benchmark thread, as
 * the servlet advice binds it to the thread serving the request. The configuration is global
 * ({@link Config#install}), as in the agent.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TagBenchmark {

  /** The sample app's primary-key lookup, the most common statement shape. */
  static final String SQL = "SELECT id, name FROM owners WHERE id = ?";

  static final String HINTED_SQL = "/*+ IndexScan(owners owners_pkey) */ " + SQL;
  static final String ROUTE = "GET /api/owners/{id}";

  /**
   *
   *
   * <ul>
   *   <li>{@code outside-request}: no request bound, default settings: the cost every statement of
   *       a batch job or a start-up migration pays.
   *   <li>{@code default}: a bound request, the route in the sqlorigin format (the request ID goes
   *       to application_name: see {@link ApplicationNameBenchmark}).
   *   <li>{@code id-in-comment}: {@code sqlorigin.comment.fields=route,request_id}.
   *   <li>{@code sqlcommenter}: {@code sqlorigin.comment.format=sqlcommenter}.
   *   <li>{@code hint}: default settings, SQL starting with a {@code pg_hint_plan} hint that the
   *       comment must go after.
   *   <li>{@code already-tagged}, {@code already-tagged-sqlcommenter}: the SQL already carries the
   *       comment. Every statement pays this too, several times: the pool's proxy tags, then each
   *       driver overload it delegates to ({@code prepareStatement(String)} calls {@code
   *       prepareStatement(String, int, int)}, ...) sees the comment and adds nothing.
   *   <li>{@code outside-request-thread}: no request bound and {@code
   *       sqlorigin.comment.outside-request=thread}, where the comment is rendered per statement.
   * </ul>
   */
  @Param({
    "outside-request",
    "default",
    "id-in-comment",
    "sqlcommenter",
    "hint",
    "already-tagged",
    "already-tagged-sqlcommenter",
    "outside-request-thread"
  })
  public String mode;

  // Not final, and read from the state object, so that the JIT cannot fold the input into a
  // constant.
  private String sql;
  private Binding binding;

  @Setup(Level.Trial)
  public void setUp() {
    Map<String, String> properties = new HashMap<>();
    boolean inRequest = true;
    String input = SQL;
    switch (mode) {
      case "outside-request":
        inRequest = false;
        break;
      case "default":
      case "already-tagged":
        break;
      case "id-in-comment":
        properties.put(Config.COMMENT_FIELDS, "route,request_id");
        break;
      case "sqlcommenter":
      case "already-tagged-sqlcommenter":
        properties.put(Config.COMMENT_FORMAT, "sqlcommenter");
        break;
      case "hint":
        input = HINTED_SQL;
        break;
      case "outside-request-thread":
        inRequest = false;
        properties.put(Config.COMMENT_OUTSIDE_REQUEST, "thread");
        break;
      default:
        throw new IllegalArgumentException("unknown mode " + mode);
    }
    Config config = Config.load(properties, Collections.emptyMap());
    if (!config.problems().isEmpty()) {
      throw new IllegalStateException(config.problems().toString());
    }
    Config.install(config);
    if (inRequest) {
      // As the servlet advice does for GET /api/owners/42 on the sample app's path mapping.
      RequestContext context = StartRequestBenchmark.startOwnersRequest(null);
      binding = RequestLifecycle.bind(context);
      if (!context.route().equals(ROUTE)) {
        throw new IllegalStateException("unexpected route " + context.route());
      }
    }
    sql = mode.startsWith("already-tagged") ? Sqlorigin.tag(input) : input;
    check();
  }

  /** Refuses to measure a mode that does not do what its name says. */
  private void check() {
    String tagged = Sqlorigin.tag(sql);
    boolean expectComment = !mode.equals("outside-request");
    boolean hasComment = tagged.contains("route=");
    if (hasComment != expectComment) {
      throw new IllegalStateException(mode + ": unexpected result " + tagged);
    }
    if (mode.equals("hint") && !tagged.startsWith("/*+ ")) {
      throw new IllegalStateException("hint: the hint is no longer first: " + tagged);
    }
    if (mode.equals("id-in-comment") != tagged.contains("request_id")) {
      throw new IllegalStateException(mode + ": " + tagged);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (binding != null) {
      RequestLifecycle.end(binding, 200, null);
    }
    Config.install(Config.defaults());
  }

  @Benchmark
  public String tag() {
    return Sqlorigin.tag(sql);
  }
}
