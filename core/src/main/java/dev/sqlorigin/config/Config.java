package dev.sqlorigin.config;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.CommentFormat;
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

  /** What to do with statements sent outside any HTTP request. */
  public enum OutsideRequest {
    /** Leave them unchanged. */
    OFF,
    /** Tag them with {@code route='thread:<thread name, digits as {n}>'}. */
    THREAD
  }

  public static final String ENABLED = "sqlorigin.enabled";
  public static final String COMMENT_FIELDS = "sqlorigin.comment.fields";
  public static final String COMMENT_FORMAT = "sqlorigin.comment.format";
  public static final String COMMENT_OUTSIDE_REQUEST = "sqlorigin.comment.outside-request";
  public static final String REQUEST_ID_HEADERS = "sqlorigin.request-id.headers";
  public static final String REQUEST_ID_MAX_LENGTH = "sqlorigin.request-id.max-length";
  public static final String LOG_LEVEL = "sqlorigin.log.level";

  private static final Config DEFAULTS = load(Collections.emptyMap(), Collections.emptyMap());

  private final boolean enabled;
  private final Set<CommentField> commentFields;
  private final CommentFormat commentFormat;
  private final OutsideRequest outsideRequest;
  private final String[] requestIdHeaders;
  private final int requestIdMaxLength;
  private final String logLevel;
  private final List<String> problems;

  private Config(Reader reader) {
    enabled = reader.get(ENABLED, true, "true or false", Config::parseBoolean);
    commentFields = reader.get(COMMENT_FIELDS, EnumSet.allOf(CommentField.class),
        "a comma-separated list of route, request_id (or none)", Config::parseFields);
    commentFormat = reader.get(COMMENT_FORMAT, CommentFormat.SQLORIGIN, "sqlorigin or sqlcommenter",
        value -> CommentFormat.valueOf(value.toUpperCase(Locale.ROOT)));
    outsideRequest = reader.get(COMMENT_OUTSIDE_REQUEST, OutsideRequest.OFF, "off or thread",
        value -> OutsideRequest.valueOf(value.toUpperCase(Locale.ROOT)));
    requestIdHeaders = reader.get(REQUEST_ID_HEADERS, new String[] {"X-Request-Id"},
        "a comma-separated list of HTTP header names", Config::parseHeaderNames);
    requestIdMaxLength = reader.get(REQUEST_ID_MAX_LENGTH, 200, "a whole number from 8 to 1024",
        value -> parseIntIn(value, 8, 1024));
    logLevel = reader.get(LOG_LEVEL, "info", "error, warn, info or debug", Config::parseLogLevel);
    problems = Collections.unmodifiableList(reader.problems);
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

  /** The environment variable that stands for {@code key}: {@code sqlorigin.a-b.c} is {@code SQLORIGIN_A_B_C}. */
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

  public OutsideRequest outsideRequest() {
    return outsideRequest;
  }

  /** Header names to read the incoming request ID from, first present wins; the first is echoed. */
  public String[] requestIdHeaders() {
    return requestIdHeaders.clone();
  }

  public int requestIdMaxLength() {
    return requestIdMaxLength;
  }

  public String logLevel() {
    return logLevel;
  }

  /** One line per setting that did not parse, naming the key, the value and what is accepted. */
  public List<String> problems() {
    return problems;
  }

  @Override
  public String toString() {
    StringBuilder fields = new StringBuilder();
    for (CommentField field : commentFields) {
      fields.append(fields.length() == 0 ? "" : ",").append(field.key());
    }
    return "comment=" + (fields.length() == 0 ? "none" : fields)
        + " format=" + commentFormat.name().toLowerCase(Locale.ROOT)
        + " outside-request=" + outsideRequest.name().toLowerCase(Locale.ROOT)
        + " request-id-headers=" + String.join(",", requestIdHeaders);
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
        problems.add("ignoring " + source + "=\"" + printable(value) + "\": expected " + accepted
            + "; using the default");
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
