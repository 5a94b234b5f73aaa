package dev.sqlorigin.config;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.CommentFormat;
import dev.sqlorigin.control.RoutePattern;
import dev.sqlorigin.control.RouteRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * sqlorigin's settings. Each is read from the system property {@code sqlorigin.x.y}, then the
 * environment variable {@code SQLORIGIN_X_Y}, then its default. A value that does not parse is
 * reported in {@link #problems()} (one line naming the key and what it accepts) and the setting
 * keeps its default: a typo never stops the application.
 */
public final class Config {

  /** How a statement's text goes into its span. */
  public enum QueryText {
    /** String and numeric literals replaced by {@code ?}, as the conventions recommend. */
    SANITIZED,
    /** As the application wrote it (literals may carry personal data). */
    RAW,
    /** Not at all. */
    OFF
  }

  /** In an outside-request origin, stands for the thread's name with its numbers as {@code {n}}. */
  public static final String THREAD_PLACEHOLDER = "{thread}";

  public static final String ENABLED = "sqlorigin.enabled";
  public static final String COMMENT_FIELDS = "sqlorigin.comment.fields";
  public static final String COMMENT_FORMAT = "sqlorigin.comment.format";
  public static final String COMMENT_OUTSIDE_REQUEST = "sqlorigin.comment.outside-request";
  public static final String REQUEST_ID_HEADERS = "sqlorigin.request-id.headers";
  public static final String REQUEST_ID_MAX_LENGTH = "sqlorigin.request-id.max-length";
  public static final String REQUEST_ID_APPLICATION_NAME = "sqlorigin.request-id.application-name";
  public static final String LOG_LEVEL = "sqlorigin.log.level";
  public static final String REQUEST_TIMEOUT = "sqlorigin.request.timeout";
  public static final String REQUEST_START_HEADER = "sqlorigin.request.start-header";
  public static final String CANCEL_ON_DISCONNECT = "sqlorigin.cancel.on-disconnect";
  public static final String CANCEL_DISCONNECT_AFTER = "sqlorigin.cancel.disconnect-check-after";
  public static final String CANCEL_POLL_INTERVAL = "sqlorigin.cancel.poll-interval";
  public static final String CANCEL_ON_SHUTDOWN = "sqlorigin.cancel.on-shutdown";
  public static final String CANCEL_SHUTDOWN_TIMEOUT = "sqlorigin.cancel.shutdown-timeout";
  public static final String JMX = "sqlorigin.jmx";
  public static final String OTEL_QUERY_TEXT = "sqlorigin.otel.query-text";
  public static final String ROUTES_BLOCKED = "sqlorigin.routes.blocked";
  public static final String ROUTES_MAX_CONCURRENT = "sqlorigin.routes.max-concurrent";
  public static final String ROUTES_QUEUE_TIMEOUT = "sqlorigin.routes.queue-timeout";
  public static final String CONTROL_FILE = "sqlorigin.control-file";
  public static final String STATEMENTS_SLOW_THRESHOLD = "sqlorigin.statements.slow-threshold";

  private static final String DURATION = "a duration such as 500ms, 55s or 2m";

  private static final Config DEFAULTS = load(Collections.emptyMap(), Collections.emptyMap());

  private final boolean enabled;
  private final Set<CommentField> commentFields;
  private final CommentFormat commentFormat;
  private final String outsideRequestOrigin;
  private final List<String> requestIdHeaders;
  private final int requestIdMaxLength;
  private final boolean requestIdInApplicationName;
  private final String logLevel;
  private final long requestTimeoutNanos;
  private final String requestStartHeader;
  private final boolean cancelOnDisconnect;
  private final long disconnectCheckAfterNanos;
  private final long pollIntervalNanos;
  private final boolean cancelOnShutdown;
  private final long shutdownTimeoutNanos;
  private final boolean jmx;
  private final QueryText otelQueryText;
  private final Set<RoutePattern> blockedRoutes;
  private final Map<RoutePattern, Integer> routeLimits;
  private final long queueTimeoutNanos;
  private final String controlFile;
  private final long slowThresholdNanos;
  private final List<String> problems;
  private final Map<String, String> problemsByKey;

  private Config(Reader reader) {
    enabled = reader.get(ENABLED, true, "true or false", Config::parseBoolean);
    commentFields =
        reader.get(
            COMMENT_FIELDS,
            EnumSet.of(CommentField.ROUTE),
            "a comma-separated list of route, request_id, traceparent (or none)",
            Config::parseFields);
    commentFormat =
        reader.get(
            COMMENT_FORMAT,
            CommentFormat.SQLORIGIN,
            "sqlorigin or sqlcommenter",
            value -> CommentFormat.valueOf(value.toUpperCase(Locale.ROOT)));
    outsideRequestOrigin =
        reader.get(
            COMMENT_OUTSIDE_REQUEST,
            null,
            "off, thread, or an origin of 1 to 64 letters, digits and - _ . : / that may contain {thread}"
                + " (e.g. job:{thread})",
            Config::parseOrigin);
    requestIdHeaders =
        List.of(
            reader.get(
                REQUEST_ID_HEADERS,
                new String[] {"X-Request-Id"},
                "a comma-separated list of HTTP header names",
                Config::parseHeaderNames));
    requestIdMaxLength =
        reader.get(
            REQUEST_ID_MAX_LENGTH,
            200,
            "a whole number from 8 to 1024",
            value -> parseIntIn(value, 8, 1024));
    requestIdInApplicationName =
        reader.get(REQUEST_ID_APPLICATION_NAME, false, "true or false", Config::parseBoolean);
    logLevel = reader.get(LOG_LEVEL, "info", "error, warn, info or debug", Config::parseLogLevel);
    requestTimeoutNanos =
        reader.get(
            REQUEST_TIMEOUT,
            0L,
            DURATION + ", or off",
            value -> value.equalsIgnoreCase("off") ? 0L : parseDuration(value, 1_000_000L));
    requestStartHeader =
        reader.get(
            REQUEST_START_HEADER,
            "X-Request-Start",
            "an HTTP header name",
            value -> parseHeaderNames(value)[0]);
    cancelOnDisconnect =
        reader.get(CANCEL_ON_DISCONNECT, true, "true or false", Config::parseBoolean);
    disconnectCheckAfterNanos =
        reader.get(
            CANCEL_DISCONNECT_AFTER, 500_000_000L, DURATION, value -> parseDuration(value, 0L));
    pollIntervalNanos =
        reader.get(
            CANCEL_POLL_INTERVAL,
            200_000_000L,
            DURATION + " (10ms at least)",
            value -> parseDuration(value, 10_000_000L));
    cancelOnShutdown = reader.get(CANCEL_ON_SHUTDOWN, true, "true or false", Config::parseBoolean);
    shutdownTimeoutNanos =
        reader.get(
            CANCEL_SHUTDOWN_TIMEOUT,
            5_000_000_000L,
            DURATION,
            value -> parseDuration(value, 1_000_000L));
    jmx = reader.get(JMX, true, "true or false", Config::parseBoolean);
    otelQueryText =
        reader.get(
            OTEL_QUERY_TEXT,
            QueryText.SANITIZED,
            "sanitized, raw or off",
            value -> QueryText.valueOf(value.toUpperCase(Locale.ROOT)));
    blockedRoutes =
        reader.get(
            ROUTES_BLOCKED,
            Collections.emptySet(),
            "a comma-separated list of routes (POST /api/imports, GET /api/reports/*), or none",
            RouteRules::parsePatterns);
    routeLimits =
        reader.get(
            ROUTES_MAX_CONCURRENT,
            Collections.emptyMap(),
            "a comma-separated list of route=limit (POST /api/imports=2), or none",
            RouteRules::parseLimits);
    queueTimeoutNanos =
        reader.get(
            ROUTES_QUEUE_TIMEOUT,
            0L,
            DURATION + ", or off",
            value -> value.equalsIgnoreCase("off") ? 0L : parseDuration(value, 1_000_000L));
    controlFile =
        reader.get(
            CONTROL_FILE,
            null,
            "the path of a file, or off",
            value -> value.equalsIgnoreCase("off") || value.isEmpty() ? null : value);
    slowThresholdNanos =
        reader.get(
            STATEMENTS_SLOW_THRESHOLD,
            0L,
            DURATION + " (100ms at least), or off",
            value -> value.equalsIgnoreCase("off") ? 0L : parseDuration(value, 100_000_000L));
    problems = Collections.unmodifiableList(reader.problems);
    problemsByKey = Collections.unmodifiableMap(reader.problemsByKey);
  }

  /** Reads the settings from {@code properties} (system properties) then {@code environment}. */
  public static Config load(Map<?, ?> properties, Map<String, String> environment) {
    return new Config(new Reader(properties, environment));
  }

  /** Reads the settings of this JVM. */
  public static Config fromSystem() {
    return load(System.getProperties(), System.getenv());
  }

  public static Config defaults() {
    return DEFAULTS;
  }

  /**
   * The environment variable that stands for {@code key}: {@code sqlorigin.a-b.c} is {@code
   * SQLORIGIN_A_B_C}.
   */
  public static String environmentName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  public boolean enabled() {
    return enabled;
  }

  public Set<CommentField> commentFields() {
    return commentFields;
  }

  public CommentFormat commentFormat() {
    return commentFormat;
  }

  /**
   * The origin that statements sent outside any request and any named job carry as their route,
   * with {@value #THREAD_PLACEHOLDER} standing for the thread's name; null leaves them unchanged.
   */
  public String outsideRequestOrigin() {
    return outsideRequestOrigin;
  }

  /** Header names to read the incoming request ID from, first present wins; the first is echoed. */
  public List<String> requestIdHeaders() {
    return requestIdHeaders;
  }

  public int requestIdMaxLength() {
    return requestIdMaxLength;
  }

  /** Whether a request's connections carry its ID in {@code application_name}. */
  public boolean requestIdInApplicationName() {
    return requestIdInApplicationName;
  }

  public String logLevel() {
    return logLevel;
  }

  /**
   * Abandon a request this long after it started (less its time in the router's queue); 0: never.
   */
  public long requestTimeoutNanos() {
    return requestTimeoutNanos;
  }

  /** The header carrying the router's queue-start time ({@code t=<epoch micros or millis>}). */
  public String requestStartHeader() {
    return requestStartHeader;
  }

  public boolean cancelOnDisconnect() {
    return cancelOnDisconnect;
  }

  /** How old a statement must be before its client's socket is checked. */
  public long disconnectCheckAfterNanos() {
    return disconnectCheckAfterNanos;
  }

  public long pollIntervalNanos() {
    return pollIntervalNanos;
  }

  public boolean cancelOnShutdown() {
    return cancelOnShutdown;
  }

  public long shutdownTimeoutNanos() {
    return shutdownTimeoutNanos;
  }

  public boolean jmx() {
    return jmx;
  }

  /** What a statement's span carries as {@code db.query.text}. */
  public QueryText otelQueryText() {
    return otelQueryText;
  }

  /** Routes answered 503 before their handler runs. */
  public Set<RoutePattern> blockedRoutes() {
    return blockedRoutes;
  }

  /** Concurrency caps by route pattern, in the order written. */
  public Map<RoutePattern, Integer> routeLimits() {
    return routeLimits;
  }

  /** How long a request beyond its route's cap waits for a slot before it is refused; 0: not. */
  public long queueTimeoutNanos() {
    return queueTimeoutNanos;
  }

  /** The operator's control file, watched while the JVM runs; null: none. */
  public String controlFile() {
    return controlFile;
  }

  /** A statement running longer than this is logged (and again when it ends); 0: never. */
  public long slowThresholdNanos() {
    return slowThresholdNanos;
  }

  /** One line per setting that did not parse, naming the key, the value and what is accepted. */
  public List<String> problems() {
    return problems;
  }

  /**
   * What was wrong with the value of {@code key} ({@code "<value>": expected …}), or null when it
   * parsed or was not set.
   */
  public String problem(String key) {
    return problemsByKey.get(key);
  }

  @Override
  public String toString() {
    StringBuilder fields = new StringBuilder();
    for (CommentField field : commentFields) {
      fields.append(fields.length() == 0 ? "" : ",").append(field.key());
    }
    return "comment="
        + (fields.length() == 0 ? "none" : fields)
        + " format="
        + commentFormat.name().toLowerCase(Locale.ROOT)
        + " outside-request="
        + (outsideRequestOrigin == null ? "off" : outsideRequestOrigin)
        + " request-id-headers="
        + String.join(",", requestIdHeaders)
        + " request-id-in-application-name="
        + requestIdInApplicationName
        + " request-timeout="
        + (requestTimeoutNanos == 0 ? "off" : requestTimeoutNanos / 1_000_000 + "ms")
        + " cancel-on-disconnect="
        + cancelOnDisconnect
        + " cancel-on-shutdown="
        + cancelOnShutdown
        + (blockedRoutes.isEmpty() ? "" : " routes-blocked=" + blockedRoutes.size())
        + (routeLimits.isEmpty() ? "" : " routes-max-concurrent=" + routeLimits.size())
        + (controlFile == null ? "" : " control-file=" + controlFile)
        + (slowThresholdNanos == 0
            ? ""
            : " slow-threshold=" + slowThresholdNanos / 1_000_000 + "ms");
  }

  private static boolean parseBoolean(String value) {
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException();
  }

  private static Set<CommentField> parseFields(String value) {
    Set<CommentField> fields = EnumSet.noneOf(CommentField.class);
    if (value.equalsIgnoreCase("none")) {
      return fields;
    }
    for (String part : value.split(",")) {
      String key = part.trim().replace('-', '_');
      CommentField match = null;
      for (CommentField field : CommentField.values()) {
        if (field.key().equalsIgnoreCase(key)) {
          match = field;
        }
      }
      if (match == null) {
        throw new IllegalArgumentException();
      }
      fields.add(match);
    }
    return fields;
  }

  private static String parseOrigin(String value) {
    if (value.equalsIgnoreCase("off")) {
      return null;
    }
    if (value.equalsIgnoreCase("thread")) {
      return "thread:" + THREAD_PLACEHOLDER;
    }
    // Written by the operator, yet shown in every background statement: plain and short.
    if (!value.replace(THREAD_PLACEHOLDER, "").matches("[A-Za-z0-9_.:/-]*")
        || value.isEmpty()
        || value.length() > 64) {
      throw new IllegalArgumentException();
    }
    return value;
  }

  private static String[] parseHeaderNames(String value) {
    List<String> names = new ArrayList<>();
    for (String part : value.split(",")) {
      String name = part.trim();
      // RFC 9110 token characters; anything else could not have come as a header name.
      if (name.isEmpty() || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new IllegalArgumentException();
      }
      names.add(name);
    }
    return names.toArray(new String[0]);
  }

  /** {@code 250ms}, {@code 55s}, {@code 2m}; at least {@code minNanos}, at most a day. */
  static long parseDuration(String value, long minNanos) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)").matcher(value.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException();
    }
    long amount = Long.parseLong(matcher.group(1));
    long unit =
        matcher.group(2).equals("ms")
            ? 1_000_000L
            : matcher.group(2).equals("s") ? 1_000_000_000L : 60_000_000_000L;
    long nanos = amount * unit;
    if (nanos < minNanos || nanos > 86_400_000_000_000L) {
      throw new IllegalArgumentException();
    }
    return nanos;
  }

  private static int parseIntIn(String value, int min, int max) {
    int parsed = Integer.parseInt(value);
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException();
    }
    return parsed;
  }

  private static String parseLogLevel(String value) {
    String level = value.toLowerCase(Locale.ROOT);
    if (!List.of("error", "warn", "info", "debug").contains(level)) {
      throw new IllegalArgumentException();
    }
    return level;
  }

  /** Looks each key up in both sources and collects the problems. */
  private static final class Reader {
    private final Map<?, ?> properties;
    private final Map<String, String> environment;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, String> problemsByKey = new java.util.HashMap<>();

    Reader(Map<?, ?> properties, Map<String, String> environment) {
      this.properties = properties;
      this.environment = environment;
    }

    <T> T get(String key, T defaultValue, String accepted, Function<String, T> parser) {
      String source = key;
      Object raw = properties.get(key);
      if (raw == null) {
        source = environmentName(key);
        raw = environment.get(source);
      }
      if (raw == null) {
        return defaultValue;
      }
      String value = raw.toString().trim();
      try {
        return parser.apply(value);
      } catch (RuntimeException e) {
        // A route list says which entry is wrong and why.
        String why =
            "\""
                + printable(value)
                + "\": "
                + (e instanceof RouteRules.Invalid ? e.getMessage() + "; " : "")
                + "expected "
                + accepted;
        problems.add("ignoring " + source + "=" + why + "; using the default");
        problemsByKey.put(key, why);
        return defaultValue;
      }
    }

    private static String printable(String value) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < value.length() && out.length() < 80; i++) {
        char c = value.charAt(i);
        out.append(c >= 0x20 && c < 0x7F ? c : '?');
      }
      return out.toString();
    }
  }
}
