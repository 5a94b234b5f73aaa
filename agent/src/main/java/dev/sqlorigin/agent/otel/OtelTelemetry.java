package dev.sqlorigin.agent.otel;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Abandonment;
import dev.sqlorigin.context.CancelOutcome;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.context.StatementCancel;
import dev.sqlorigin.database.BackendPid;
import dev.sqlorigin.database.WeakIdentityMap;
import dev.sqlorigin.lifecycle.Counters;
import dev.sqlorigin.lifecycle.RequestKind;
import dev.sqlorigin.lifecycle.RequestStart;
import dev.sqlorigin.telemetry.Telemetry;
import dev.sqlorigin.telemetry.TelemetryHooks;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadableSpan;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * sqlorigin's telemetry through its relocated OpenTelemetry SDK: a server span per request, a
 * client span per statement (its child), and metrics. The SDK is configured by its own
 * autoconfiguration, so every standard {@code OTEL_*} variable and {@code otel.*} property applies.
 */
public final class OtelTelemetry implements Telemetry {

  static final String SCOPE = "dev.sqlorigin";
  static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("sqlorigin.request_id");
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> RPC_GRPC_STATUS = AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system.name");
  static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation.name");
  static final AttributeKey<String> DB_QUERY = AttributeKey.stringKey("db.query.text");
  static final AttributeKey<String> DB_STATUS = AttributeKey.stringKey("db.response.status_code");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  // No convention names the backend yet; the name the conventions' PostgreSQL namespace would use.
  static final AttributeKey<Long> BACKEND_PID = AttributeKey.longKey("db.postgresql.backend_pid");
  static final AttributeKey<String> ABANDON_REASON =
      AttributeKey.stringKey("sqlorigin.abandon.reason");
  static final AttributeKey<Long> CANCELLED =
      AttributeKey.longKey("sqlorigin.statements.cancelled");
  static final AttributeKey<Long> CANCELS_FAILED = AttributeKey.longKey("sqlorigin.cancels.failed");
  static final AttributeKey<String> CANCEL_OUTCOME =
      AttributeKey.stringKey("sqlorigin.cancel.outcome");
  static final String ABANDONED_EVENT = "sqlorigin.request.abandoned";
  // The semantic conventions' advice for db.client.operation.duration.
  private static final List<Double> DURATION_BUCKETS =
      Arrays.asList(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0);
  private static final TextMapGetter<String[]> W3C_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String[] headers) {
          return Arrays.asList("traceparent", "tracestate");
        }

        @Override
        public String get(String[] headers, String key) {
          return "traceparent".equals(key)
              ? headers[0]
              : "tracestate".equals(key) ? headers[1] : null;
        }
      };

  // Bounds of the caches below: a route's statements have a few texts; beyond this (an application
  // that builds its SQL with literals) the values are computed each time instead.
  private static final int CACHED = 2048;
  // One instance, so that the metric's attributes for it are cached too.
  private static final Database UNKNOWN_DATABASE = Database.parse(null);
  // gRPC's UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS.
  private static final Set<Integer> SERVER_ERRORS = Set.of(2, 4, 12, 13, 14, 15);

  private final Config config;
  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final RouteMetrics routeMetrics;
  // Statement -> its text from prepare time; weak: statements are dropped by the application.
  private final WeakIdentityMap<Prepared> prepared = new WeakIdentityMap<>();
  // What a statement's text gives its span, by the text as tagged: the same for every request of a
  // route, so sanitized once rather than at every prepare.
  private final Map<String, Prepared> texts = new ConcurrentHashMap<>();
  // By JDBC URL: a pool hands out a new connection wrapper at every borrow, so per connection would
  // parse the URL again per request.
  private final Map<String, Database> databases = new ConcurrentHashMap<>();
  // The duration metric's attributes, built once per database, operation and route.
  private final Map<MetricKey, Attributes> metricAttributes = new ConcurrentHashMap<>();
  private final Map<Object, Running> running = new ConcurrentHashMap<>();

  OtelTelemetry(Config config, OpenTelemetry openTelemetry) {
    this.config = config;
    String version = OtelTelemetry.class.getPackage().getImplementationVersion();
    this.tracer = openTelemetry.getTracer(SCOPE, version);
    Meter meter = openTelemetry.getMeter(SCOPE);
    this.duration =
        meter
            .histogramBuilder("db.client.operation.duration")
            .setUnit("s")
            .setDescription("Duration of database client operations.")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    // The counters live in core (the JMX MBean reads them too): observed here, not counted twice.
    meter
        .counterBuilder("sqlorigin.requests.abandoned")
        .setUnit("{request}")
        .setDescription("Requests sqlorigin gave up on, by reason.")
        .buildWithCallback(
            out ->
                Counters.abandonedByReason()
                    .forEach(
                        (reason, count) ->
                            out.record(count, Attributes.of(ABANDON_REASON, reason.key()))));
    meter
        .counterBuilder("sqlorigin.statements.cancelled")
        .setUnit("{statement}")
        .setDescription(
            "Statements sqlorigin cancelled because their request was abandoned, by reason.")
        .buildWithCallback(
            out ->
                Counters.cancelledByReason()
                    .forEach(
                        (reason, count) ->
                            out.record(count, Attributes.of(ABANDON_REASON, reason.key()))));
    meter
        .counterBuilder("sqlorigin.cancels.failed")
        .setUnit("{statement}")
        .setDescription(
            "Cancels that did not stop their statement: the driver's cancel threw (failed) or the"
                + " statement still ran after the cancel timeout (timed_out).")
        .buildWithCallback(
            out ->
                Counters.cancelFailures()
                    .forEach(
                        (outcome, count) ->
                            out.record(count, Attributes.of(CANCEL_OUTCOME, outcome.key()))));
    this.routeMetrics = RouteMetrics.register(meter);
  }

  /**
   * Builds the SDK from the standard settings and installs the telemetry. Fails open: a bad setting
   * costs the telemetry (one warning), never the application.
   *
   * @return whether telemetry is on
   */
  public static boolean install(Config config) {
    try {
      OpenTelemetry sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              // Defaults below the user's settings: sqlorigin emits no logs, so no logs exporter;
              // and
              // OTLP over HTTP, the only sender in the jar (the SDK's own default is gRPC; the
              // OpenTelemetry Java agent's is HTTP too).
              .addPropertiesSupplier(
                  () ->
                      Map.of(
                          "otel.logs.exporter",
                          "none",
                          "otel.exporter.otlp.protocol",
                          "http/protobuf"))
              // Bigger batches than the SDK's at high span rates (see OtelActivation).
              .addPropertiesSupplier(
                  () -> OtelActivation.batchDefaults(System.getProperties(), System.getenv()))
              // Metrics alone asked for (Prometheus scrapes): no spans sent to a default endpoint.
              // The scrape endpoint listens where the SDK says (localhost), set here so that the
              // SDK does not log its change of default at every start.
              .addPropertiesSupplier(
                  () ->
                      OtelActivation.spansRequested(System.getProperties(), System.getenv())
                          ? Map.of("otel.exporter.prometheus.host", "localhost")
                          : Map.of(
                              "otel.traces.exporter",
                              "none",
                              "otel.exporter.prometheus.host",
                              "localhost"))
              // The SDK's own health metrics (spans started, live) would cost a metric update per
              // span start and end and are not part of what sqlorigin reports.
              .addTracerProviderCustomizer(
                  (builder, properties) ->
                      builder
                          .setIdGenerator(HandedOverSpanIds.INSTANCE)
                          .setMeterProvider(MeterProvider::noop))
              .build()
              .getOpenTelemetrySdk();
      TelemetryHooks.install(new OtelTelemetry(config, sdk));
      return true;
    } catch (Throwable t) {
      dev.sqlorigin.log.AgentLog.warnOnce(
          "otel", "OpenTelemetry is off: its configuration failed", t);
      return false;
    }
  }

  /** A server span for an HTTP request or an RPC; jobs get none. */
  @Override
  public void requestStarted(RequestContext context, RequestStart start) {
    if (start.kind() == RequestKind.JOB) {
      return;
    }
    // A malformed traceparent extracts as nothing: the request starts a trace of its own.
    Context parent =
        start.traceparent() == null
            ? Context.root()
            : W3CTraceContextPropagator.getInstance()
                .extract(
                    Context.root(),
                    new String[] {start.traceparent(), start.tracestate()},
                    W3C_HEADERS);
    SpanBuilder span =
        tracer
            .spanBuilder(context.route())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(REQUEST_ID, context.requestId());
    if (start.kind() == RequestKind.RPC) {
      // The full method name, package.Service/Method, as gRPC names it.
      String method = start.target() == null ? "" : start.target();
      int slash = method.lastIndexOf('/');
      span.setAttribute(RPC_SYSTEM, "grpc")
          .setAttribute(RPC_SERVICE, slash < 0 ? method : method.substring(0, slash))
          .setAttribute(RPC_METHOD, method.substring(slash + 1));
    } else {
      span.setAttribute(HTTP_METHOD, start.method())
          .setAttribute(URL_PATH, start.target())
          .setAttribute(URL_SCHEME, start.scheme());
    }
    context.telemetry(span.startSpan());
  }

  @Override
  public void requestEnded(RequestContext context, int status, Throwable thrown) {
    routeMetrics.served(context.route());
    Object handle = context.telemetry();
    if (!(handle instanceof Span)) {
      return;
    }
    Span span = (Span) handle;
    if (span instanceof ReadableSpan && ((ReadableSpan) span).getAttribute(RPC_SYSTEM) != null) {
      rpcEnded(context, span, status, thrown);
      return;
    }
    // Named at the end: a framework may have refined the route during the request.
    span.updateName(context.route());
    span.setAttribute(HTTP_ROUTE, httpRoute(context.route()));
    // An exception thrown out of the servlet becomes a 500 once the container handles it.
    int answered = thrown != null && status < 500 ? 500 : status;
    if (answered > 0) {
      span.setAttribute(HTTP_STATUS, (long) answered);
    }
    if (answered >= 500) {
      span.setAttribute(
          ERROR_TYPE, thrown != null ? thrown.getClass().getName() : Integer.toString(answered));
      span.setStatus(StatusCode.ERROR);
    }
    if (thrown != null) {
      span.recordException(thrown);
    }
    span.end();
  }

  /**
   * An RPC's span ends with its gRPC status code ({@code status}, -1 when the call closed without
   * one); the codes that say the server failed mark it an error, as OpenTelemetry's gRPC
   * instrumentation does for server spans.
   */
  private static void rpcEnded(RequestContext context, Span span, int status, Throwable thrown) {
    span.updateName(context.route());
    if (status >= 0) {
      span.setAttribute(RPC_GRPC_STATUS, (long) status);
    }
    if (thrown != null || SERVER_ERRORS.contains(status)) {
      span.setAttribute(
          ERROR_TYPE, thrown != null ? thrown.getClass().getName() : Integer.toString(status));
      span.setStatus(StatusCode.ERROR);
    }
    if (thrown != null) {
      span.recordException(thrown);
    }
    span.end();
  }

  /** Once its cancels have an outcome: how many stopped their statement, how many did not. */
  @Override
  public void requestAbandoned(RequestContext context, Abandonment abandonment) {
    Object handle = context.telemetry();
    if (handle instanceof Span) {
      ((Span) handle)
          .addEvent(
              ABANDONED_EVENT,
              Attributes.of(
                  ABANDON_REASON,
                  abandonment.reason().key(),
                  CANCELLED,
                  (long) abandonment.cancelled(),
                  CANCELS_FAILED,
                  (long) abandonment.failures().size()));
    }
  }

  @Override
  public String nextStatementTraceparent(RequestContext context) {
    Object handle = context.telemetry();
    if (!(handle instanceof Span)) {
      return null;
    }
    SpanContext request = ((Span) handle).getSpanContext();
    if (!request.isValid()) {
      return null;
    }
    // The client span is the request span's child: same trace, and (parent-based sampling) the
    // same sampled flag.
    return "00-"
        + request.getTraceId()
        + "-"
        + HandedOverSpanIds.INSTANCE.newSpanId()
        + "-"
        + request.getTraceFlags().asHex();
  }

  @Override
  public void statementPrepared(Object statement, String sql) {
    String traceparent = commentTraceparent(sql);
    Prepared text;
    if (traceparent != null) {
      // A text of its own (the traceparent is different each time), never seen again.
      text = new Prepared(queryText(sql), QueryText.operation(SqlComment.strip(sql)), traceparent);
    } else {
      text = texts.get(sql);
      if (text == null) {
        text = new Prepared(queryText(sql), QueryText.operation(SqlComment.strip(sql)), null);
        if (texts.size() < CACHED) {
          texts.put(sql, text);
        }
      }
    }
    prepared.put(statement, text);
  }

  @Override
  public void statementStarted(RequestContext context, Object statement, String sql) {
    Object handle = context.telemetry();
    if (handle instanceof Span && !((Span) handle).isRecording()) {
      // An unsampled request: its statements get no span (it would be an orphan's child), only
      // the duration metric, which needs the operation and the database alone.
      Prepared statementText = sql == null ? prepared.get(statement) : null;
      String operation =
          sql != null
              ? QueryText.operation(SqlComment.strip(sql))
              : statementText == null ? null : statementText.operation;
      running.put(statement, new Running(null, System.nanoTime(), database(statement), operation));
      return;
    }
    String text;
    String operation;
    String traceparent;
    if (sql != null) {
      text = queryText(sql);
      operation = QueryText.operation(SqlComment.strip(sql));
      traceparent = commentTraceparent(sql);
    } else {
      Prepared statementText = prepared.get(statement);
      text = statementText == null ? null : statementText.text;
      operation = statementText == null ? null : statementText.operation;
      traceparent = statementText == null ? null : statementText.firstExecution.getAndSet(null);
    }
    Context parent = handle instanceof Span ? Context.root().with((Span) handle) : Context.root();
    Database database = database(statement);
    SpanBuilder builder =
        tracer
            .spanBuilder(operation != null ? operation : database.system)
            .setSpanKind(SpanKind.CLIENT)
            .setParent(parent)
            .setAttribute(DB_SYSTEM, database.system);
    if (operation != null) {
      builder.setAttribute(DB_OPERATION, operation);
    }
    if (text != null) {
      builder.setAttribute(DB_QUERY, text);
    }
    if (database.namespace != null) {
      builder.setAttribute(DB_NAMESPACE, database.namespace);
    }
    if (database.address != null) {
      builder.setAttribute(SERVER_ADDRESS, database.address);
    }
    if (database.port > 0) {
      builder.setAttribute(SERVER_PORT, database.port);
    }
    int pid = BackendPid.of(statement);
    if (pid > 0) {
      builder.setAttribute(BACKEND_PID, (long) pid);
    }
    Span span = HandedOverSpanIds.start(builder, spanIdFor(traceparent, parent));
    running.put(statement, new Running(span, System.nanoTime(), database, operation));
  }

  @Override
  public void statementEnded(
      RequestContext context, Object statement, Throwable thrown, CancelOutcome outcome) {
    Running statementRun = running.remove(statement);
    if (statementRun == null) {
      return;
    }
    double seconds = (System.nanoTime() - statementRun.startNanos) / 1e9;
    Span span = statementRun.span;
    if (thrown == null) {
      duration.record(seconds, metricAttributes(statementRun, context.route()));
    } else {
      String sqlState =
          thrown instanceof SQLException ? ((SQLException) thrown).getSQLState() : null;
      String errorType = sqlState != null ? sqlState : thrown.getClass().getName();
      duration.record(
          seconds,
          metricAttributes(statementRun, context.route()).toBuilder()
              .put(ERROR_TYPE, errorType)
              .build());
      if (span != null) {
        span.setAttribute(ERROR_TYPE, errorType);
        if (sqlState != null) {
          span.setAttribute(DB_STATUS, sqlState);
        }
        Abandonment abandonment = context.abandonment();
        if (abandonment != null
            && (outcome == CancelOutcome.CANCELLED || outcome == CancelOutcome.TIMED_OUT)) {
          // Stopped by sqlorigin: its cancel, or the abort of its connection when that timed out.
          span.setStatus(StatusCode.ERROR, abandonment.message());
        } else {
          span.setStatus(StatusCode.ERROR, String.valueOf(thrown.getMessage()));
        }
        span.recordException(thrown);
      }
    }
    if (span == null) {
      return;
    }
    if (outcome != null) {
      // Its request was abandoned while it ran: what its cancel did, and why it failed if it did.
      span.setAttribute(ABANDON_REASON, context.abandonment().reason().key());
      span.setAttribute(CANCEL_OUTCOME, outcome.key());
      StatementCancel cancel = context.abandonment().cancelOf(statement);
      if (outcome.failed() && cancel != null && cancel.detail() != null) {
        span.addEvent(
            "sqlorigin.cancel.failed",
            Attributes.of(AttributeKey.stringKey("sqlorigin.cancel.detail"), cancel.detail()));
      }
    }
    span.end();
  }

  /** The duration metric's attributes, without the error type. */
  private Attributes metricAttributes(Running statementRun, String route) {
    MetricKey key = new MetricKey(statementRun.database, statementRun.operation, route);
    Attributes attributes = metricAttributes.get(key);
    if (attributes == null) {
      AttributesBuilder metric =
          Attributes.builder()
              .put(DB_SYSTEM, statementRun.database.system)
              .put(HTTP_ROUTE, httpRoute(route));
      if (statementRun.operation != null) {
        metric.put(DB_OPERATION, statementRun.operation);
      }
      if (statementRun.database.namespace != null) {
        metric.put(DB_NAMESPACE, statementRun.database.namespace);
      }
      if (statementRun.database.address != null) {
        metric.put(SERVER_ADDRESS, statementRun.database.address);
      }
      if (statementRun.database.port > 0) {
        metric.put(SERVER_PORT, statementRun.database.port);
      }
      attributes = metric.build();
      if (metricAttributes.size() < CACHED) {
        metricAttributes.put(key, attributes);
      }
    }
    return attributes;
  }

  /**
   * {@code db.query.text} of {@code sql}: without sqlorigin's comment, sanitized unless configured.
   */
  private String queryText(String sql) {
    switch (config.otelQueryText()) {
      case OFF:
        return null;
      case RAW:
        return SqlComment.strip(sql);
      default:
        return QueryText.sanitize(SqlComment.strip(sql));
    }
  }

  /** The traceparent sqlorigin wrote into {@code sql}'s comment, or null. */
  private String commentTraceparent(String sql) {
    return config.commentFields().contains(CommentField.TRACEPARENT)
        ? SqlComment.leadingFields(sql).get(CommentField.TRACEPARENT.key())
        : null;
  }

  /**
   * The span ID of {@code traceparent} when it belongs to the trace the span starts in (a statement
   * prepared in one request and executed in another gets a fresh ID), or null.
   */
  private static String spanIdFor(String traceparent, Context parent) {
    if (traceparent == null || traceparent.length() != 55) {
      return null;
    }
    String traceId = Span.fromContext(parent).getSpanContext().getTraceId();
    return traceparent.regionMatches(3, traceId, 0, 32) ? traceparent.substring(36, 52) : null;
  }

  private Database database(Object statement) {
    try {
      String url = ((Statement) statement).getConnection().getMetaData().getURL();
      if (url == null) {
        return UNKNOWN_DATABASE;
      }
      Database known = databases.get(url);
      if (known == null) {
        known = Database.parse(url);
        if (databases.size() < CACHED) {
          databases.put(url, known);
        }
      }
      return known;
    } catch (Exception | LinkageError e) {
      return UNKNOWN_DATABASE;
    }
  }

  /** {@code http.route} is the template alone; sqlorigin's route starts with the method. */
  static String httpRoute(String route) {
    int space = route == null ? -1 : route.indexOf(' ');
    return space < 0 ? route : route.substring(space + 1);
  }

  /** What a prepared statement's executions are traced with. */
  private static final class Prepared {
    final String text;
    final String operation;
    // The comment's traceparent names the span of the first execution only: span IDs are unique.
    final AtomicReference<String> firstExecution;

    Prepared(String text, String operation, String traceparent) {
      this.text = text;
      this.operation = operation;
      this.firstExecution = new AtomicReference<>(traceparent);
    }
  }

  /** What the duration metric's attributes of a statement depend on. */
  private static final class MetricKey {
    final Database database;
    final String operation;
    final String route;

    MetricKey(Database database, String operation, String route) {
      this.database = database;
      this.operation = operation;
      this.route = route;
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof MetricKey)) {
        return false;
      }
      MetricKey that = (MetricKey) other;
      return database == that.database
          && Objects.equals(operation, that.operation)
          && Objects.equals(route, that.route);
    }

    @Override
    public int hashCode() {
      return (System.identityHashCode(database) * 31 + Objects.hashCode(operation)) * 31
          + Objects.hashCode(route);
    }
  }

  private static final class Running {
    // Null for a statement of an unsampled request: the metric only.
    final Span span;
    final long startNanos;
    final Database database;
    final String operation;

    Running(Span span, long startNanos, Database database, String operation) {
      this.span = span;
      this.startNanos = startNanos;
      this.database = database;
      this.operation = operation;
    }
  }
}
