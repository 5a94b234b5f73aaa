package dev.sqlorigin.config;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.CommentFormat;
import dev.sqlorigin.control.RoutePattern;
import dev.sqlorigin.control.RouteRules;
import java.time.Duration;
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
  public static final String CANCEL_TCP_TABLES = "sqlorigin.cancel.tcp-tables";
  public static final String CANCEL_ON_SHUTDOWN = "sqlorigin.cancel.on-shutdown";
  public static final String CANCEL_SHUTDOWN_TIMEOUT = "sqlorigin.cancel.shutdown-timeout";
  public static final String CANCEL_TIMEOUT = "sqlorigin.cancel.timeout";
  public static final String CANCEL_ABORT_ON_TIMEOUT = "sqlorigin.cancel.abort-on-timeout";
  public static final String CANCEL_MAX_PER_DATABASE = "sqlorigin.cancel.max-per-database";
  public static final String JMX = "sqlorigin.jmx";
  public static final String OTEL_QUERY_TEXT = "sqlorigin.otel.query-text";
  public static final String ROUTES_BLOCKED = "sqlorigin.routes.blocked";
  public static final String ROUTES_MAX_CONCURRENT = "sqlorigin.routes.max-concurrent";
  public static final String ROUTES_QUEUE_TIMEOUT = "sqlorigin.routes.queue-timeout";
  public static final String CONTROL_FILE = "sqlorigin.control-file";
  public static final String STATEMENTS_SLOW_THRESHOLD = "sqlorigin.statements.slow-threshold";

  /** No request timeout: requests are abandoned only for other reasons. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ZERO;

  /** A statement's age before its client's socket is checked. */
  public static final Duration DEFAULT_DISCONNECT_CHECK_AFTER = Duration.ofMillis(500);

  /** The watchdog's period while statements are in flight. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);

  /** The shortest poll interval accepted: shorter would cost CPU for no detection gained. */
  public static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(10);

  /** How long the shutdown hook may spend cancelling. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a statement may still run after its cancel was asked for before the cancel counts as
   * timed out. A cancel that reaches the server stops a statement within milliseconds; pgjdbc's own
   * bound on sending one ({@code cancelSignalTimeout}) is 10 s, so this must be shorter to be seen.
   */
  public static final Duration DEFAULT_CANCEL_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Cancels under way at once for one database. Each opens a connection of its own (PostgreSQL
   * forks for it), and one that hangs holds its place until the driver gives up: a small number
   * keeps a broken path from taking every cancel thread.
   */
  public static final int DEFAULT_CANCEL_MAX_PER_DATABASE = 2;

  /** A request beyond its route's cap is refused at once (a queue would hold its thread). */
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ZERO;

  /** Off: statements are not watched for their length unless asked. */
  public static final Duration DEFAULT_SLOW_THRESHOLD = Duration.ZERO;

  private static final String DURATION = "a duration such as 500ms, 55s or 2m";

  private static final Config DEFAULTS = load(Collections.emptyMap(), Collections.emptyMap());
  private static volatile Config current = DEFAULTS;

  private final boolean enabled;
  private final Set<CommentField> commentFields;
  private final CommentFormat commentFormat;
  private final String outsideRequestOrigin;
  private final List<String> requestIdHeaders;
  private final int requestIdMaxLength;
  private final boolean requestIdInApplicationName;
  private final String logLevel;
  private final Duration requestTimeout;
  private final String requestStartHeader;
  private final boolean cancelOnDisconnect;
  private final Duration disconnectCheckAfter;
  private final Duration pollInterval;
  private final String tcpTables;
  private final boolean cancelOnShutdown;
  private final Duration shutdownTimeout;
  private final Duration cancelTimeout;
  private final boolean cancelAbortOnTimeout;
  private final int cancelMaxPerDatabase;
  private final boolean jmx;
  private final QueryText otelQueryText;
  private final Set<RoutePattern> blockedRoutes;
  private final Map<RoutePattern, Integer> routeLimits;
  private final Duration queueTimeout;
  private final String controlFile;
  private final Duration slowThreshold;
  private final List<String> problems;
  private final Map<String, String> problemsByKey;

  private Config(Reader reader) {
    enabled = reader.flag(ENABLED, true);
    commentFields =
        reader.get(
            COMMENT_FIELDS,
            EnumSet.of(CommentField.ROUTE),
            "a comma-separated list of route, request_id, traceparent (or none)",
            Config::parseFields);
    commentFormat =
        reader.choice(COMMENT_FORMAT, CommentFormat.SQLORIGIN, "sqlorigin or sqlcommenter");
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
    requestIdMaxLength = reader.number(REQUEST_ID_MAX_LENGTH, 200, 8, 1024);
    requestIdInApplicationName = reader.flag(REQUEST_ID_APPLICATION_NAME, false);
    logLevel = reader.get(LOG_LEVEL, "info", "error, warn, info or debug", Config::parseLogLevel);
    requestTimeout =
        reader.durationOrOff(
            REQUEST_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(1), DURATION + ", or off");
    requestStartHeader =
        reader.get(
            REQUEST_START_HEADER,
            "X-Request-Start",
            "an HTTP header name",
            value -> parseHeaderNames(value)[0]);
    cancelOnDisconnect = reader.flag(CANCEL_ON_DISCONNECT, true);
    disconnectCheckAfter =
        reader.duration(
            CANCEL_DISCONNECT_AFTER, DEFAULT_DISCONNECT_CHECK_AFTER, Duration.ZERO, DURATION);
    pollInterval =
        reader.duration(
            CANCEL_POLL_INTERVAL,
            DEFAULT_POLL_INTERVAL,
            MIN_POLL_INTERVAL,
            DURATION + " (10ms at least)");
    tcpTables =
        reader.get(
            CANCEL_TCP_TABLES,
            "/proc/net",
            "an absolute directory path (the directory of the kernel's tcp and tcp6 tables)",
            Config::parseDirectory);
    cancelOnShutdown = reader.flag(CANCEL_ON_SHUTDOWN, true);
    shutdownTimeout =
        reader.duration(
            CANCEL_SHUTDOWN_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, Duration.ofMillis(1), DURATION);
    cancelTimeout =
        reader.duration(
            CANCEL_TIMEOUT,
            DEFAULT_CANCEL_TIMEOUT,
            Duration.ofMillis(100),
            DURATION + " (100ms at least)");
    cancelAbortOnTimeout = reader.flag(CANCEL_ABORT_ON_TIMEOUT, true);
    cancelMaxPerDatabase =
        reader.number(CANCEL_MAX_PER_DATABASE, DEFAULT_CANCEL_MAX_PER_DATABASE, 1, 64);
    jmx = reader.flag(JMX, true);
    otelQueryText = reader.choice(OTEL_QUERY_TEXT, QueryText.SANITIZED, "sanitized, raw or off");
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
    queueTimeout =
        reader.durationOrOff(
            ROUTES_QUEUE_TIMEOUT,
            DEFAULT_QUEUE_TIMEOUT,
            Duration.ofMillis(1),
            DURATION + ", or off");
    controlFile =
        reader.get(
            CONTROL_FILE,
            null,
            "the path of a file, or off",
            value -> value.equalsIgnoreCase("off") || value.isEmpty() ? null : value);
    slowThreshold =
        reader.durationOrOff(
            STATEMENTS_SLOW_THRESHOLD,
            DEFAULT_SLOW_THRESHOLD,
            Duration.ofMillis(100),
            DURATION + " (100ms at least), or off");
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

  /** The settings in force: installed once by the agent at start-up, the defaults until then. */
  public static Config current() {
    return current;
  }

  public static void install(Config config) {
    current = config;
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
   * Abandon a request this long after it started (less its time in the router's queue); zero:
   * never.
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** The header carrying the router's queue-start time ({@code t=<epoch micros or millis>}). */
  public String requestStartHeader() {
    return requestStartHeader;
  }

  public boolean cancelOnDisconnect() {
    return cancelOnDisconnect;
  }

  /** How old a statement must be before its client's socket is checked. */
  public Duration disconnectCheckAfter() {
    return disconnectCheckAfter;
  }

  public Duration pollInterval() {
    return pollInterval;
  }

  /**
   * The directory of the kernel's TCP tables ({@code tcp6} and {@code tcp}) that the client-
   * disconnect check reads: {@code /proc/net} on Linux.
   */
  public String tcpTables() {
    return tcpTables;
  }

  public boolean cancelOnShutdown() {
    return cancelOnShutdown;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * How long a statement may still run after its cancel was asked for (see {@code
   * CancelOutcome.TIMED_OUT}).
   */
  public Duration cancelTimeout() {
    return cancelTimeout;
  }

  /** Whether the connection of a statement whose cancel timed out is aborted. */
  public boolean cancelAbortOnTimeout() {
    return cancelAbortOnTimeout;
  }

  /** Cancels under way at once for one database. */
  public int cancelMaxPerDatabase() {
    return cancelMaxPerDatabase;
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
  public Duration queueTimeout() {
    return queueTimeout;
  }

  /** The operator's control file, watched while the JVM runs; null: none. */
  public String controlFile() {
    return controlFile;
  }

  /** A statement running longer than this is logged (and again when it ends); 0: never. */
  public Duration slowThreshold() {
    return slowThreshold;
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
        + (requestTimeout.isZero() ? "off" : requestTimeout.toMillis() + "ms")
        + " cancel-on-disconnect="
        + cancelOnDisconnect
        + " cancel-on-shutdown="
        + cancelOnShutdown
        + (blockedRoutes.isEmpty() ? "" : " routes-blocked=" + blockedRoutes.size())
        + (routeLimits.isEmpty() ? "" : " routes-max-concurrent=" + routeLimits.size())
        + (controlFile == null ? "" : " control-file=" + controlFile)
        + (slowThreshold.isZero() ? "" : " slow-threshold=" + slowThreshold.toMillis() + "ms");
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

  private static String parseDirectory(String value) {
    if (!value.startsWith("/") || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
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

  /** {@code 250ms}, {@code 55s}, {@code 2m}; at least {@code min}, at most a day. */
  static Duration parseDuration(String value, Duration min) {
    java.util.regex.Matcher matcher =
        java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m)").matcher(value.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException();
    }
    long amount = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2);
    Duration duration =
        unit.equals("ms")
            ? Duration.ofMillis(amount)
            : unit.equals("s") ? Duration.ofSeconds(amount) : Duration.ofMinutes(amount);
    if (duration.compareTo(min) < 0 || duration.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException();
    }
    return duration;
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

    // Each kind of setting has a method of its own rather than a parser passed in: a lambda is a
    // class spun at its first run, two dozen of them at every start for settings mostly unset.

    <T> T get(String key, T defaultValue, String accepted, Function<String, T> parser) {
      String value = value(key);
      if (value == null) {
        return defaultValue;
      }
      try {
        return parser.apply(value);
      } catch (RuntimeException e) {
        return rejected(key, value, accepted, e, defaultValue);
      }
    }

    boolean flag(String key, boolean defaultValue) {
      String value = value(key);
      if (value == null) {
        return defaultValue;
      }
      if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
        return value.equalsIgnoreCase("true");
      }
      return rejected(key, value, "true or false", null, defaultValue);
    }

    int number(String key, int defaultValue, int min, int max) {
      String value = value(key);
      if (value == null) {
        return defaultValue;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // said below
      }
      return rejected(key, value, "a whole number from " + min + " to " + max, null, defaultValue);
    }

    Duration duration(String key, Duration defaultValue, Duration min, String accepted) {
      String value = value(key);
      if (value == null) {
        return defaultValue;
      }
      try {
        return parseDuration(value, min);
      } catch (RuntimeException e) {
        return rejected(key, value, accepted, e, defaultValue);
      }
    }

    /** A duration, or zero for {@code off}. */
    Duration durationOrOff(String key, Duration defaultValue, Duration min, String accepted) {
      String value = value(key);
      return value != null && value.equalsIgnoreCase("off")
          ? Duration.ZERO
          : duration(key, defaultValue, min, accepted);
    }

    /** One of an enum's constants, by its name in any case. */
    <E extends Enum<E>> E choice(String key, E defaultValue, String accepted) {
      String value = value(key);
      if (value == null) {
        return defaultValue;
      }
      try {
        return Enum.valueOf(defaultValue.getDeclaringClass(), value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        return rejected(key, value, accepted, e, defaultValue);
      }
    }

    /** The value set for {@code key}, trimmed: the system property, else the variable; or null. */
    private String value(String key) {
      Object raw = properties.get(key);
      if (raw == null) {
        raw = environment.get(environmentName(key));
      }
      return raw == null ? null : raw.toString().trim();
    }

    /** Records why {@code value} was refused, naming where it was set, and returns the default. */
    private <T> T rejected(
        String key, String value, String accepted, RuntimeException e, T defaultValue) {
      String source = properties.get(key) != null ? key : environmentName(key);
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
