package dev.sqlorigin.cli.connect;

import dev.sqlorigin.cli.ConsoleException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where to connect, resolved the way {@code psql} does: a {@code postgres://} or {@code
 * postgresql://} URI, a {@code key=value} connection string, or a pgjdbc URL; whatever it leaves
 * out comes from the {@code PG*} environment variables ({@code PGHOST}, {@code PGPORT}, {@code
 * PGDATABASE}, {@code PGUSER}, {@code PGPASSWORD}, {@code PGSSLMODE}, …), then libpq's defaults. A
 * password found nowhere is looked up in {@code ~/.pgpass} (or {@code PGPASSFILE}) by pgjdbc.
 *
 * <p>Messages never quote the value: it usually carries a password.
 */
public final class ConnectionTarget {

  private static final String EXPECTED =
      "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE, 'host=… dbname=…',"
          + " or jdbc:postgresql://HOST:PORT/DATABASE?user=…";

  // libpq's parameters the console passes on, and pgjdbc's name for each.
  private static final Map<String, String> PARAMETERS = new LinkedHashMap<>();

  static {
    PARAMETERS.put("sslmode", "sslmode");
    PARAMETERS.put("sslrootcert", "sslrootcert");
    PARAMETERS.put("sslcert", "sslcert");
    PARAMETERS.put("sslkey", "sslkey");
    PARAMETERS.put("sslpassword", "sslpassword");
    PARAMETERS.put("connect_timeout", "connectTimeout");
    PARAMETERS.put("options", "options");
    PARAMETERS.put("target_session_attrs", "targetServerType");
    PARAMETERS.put("application_name", null); // the console names itself
  }

  // The environment variable behind each libpq parameter.
  private static final Map<String, String> ENVIRONMENT = new LinkedHashMap<>();

  static {
    ENVIRONMENT.put("host", "PGHOST");
    ENVIRONMENT.put("port", "PGPORT");
    ENVIRONMENT.put("dbname", "PGDATABASE");
    ENVIRONMENT.put("user", "PGUSER");
    ENVIRONMENT.put("password", "PGPASSWORD");
    ENVIRONMENT.put("sslmode", "PGSSLMODE");
    ENVIRONMENT.put("sslrootcert", "PGSSLROOTCERT");
    ENVIRONMENT.put("sslcert", "PGSSLCERT");
    ENVIRONMENT.put("sslkey", "PGSSLKEY");
    ENVIRONMENT.put("connect_timeout", "PGCONNECT_TIMEOUT");
    ENVIRONMENT.put("options", "PGOPTIONS");
    ENVIRONMENT.put("target_session_attrs", "PGTARGETSESSIONATTRS");
  }

  private final String jdbcUrl;
  private final Properties properties;
  private final String display;

  private ConnectionTarget(String jdbcUrl, Properties properties, String display) {
    this.jdbcUrl = jdbcUrl;
    this.properties = properties;
    this.display = display;
  }

  /**
   * @param location what the operator gave, or null for the environment alone
   * @param environment the process environment (a parameter so that tests can give their own)
   * @throws ConsoleException when the location does not parse
   */
  public static ConnectionTarget resolve(String location, Map<String, String> environment) {
    String value = location == null ? "" : location.trim();
    if (value.startsWith("jdbc:")) {
      return fromJdbc(value, environment);
    }
    Map<String, String> given;
    if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
      given = parseUri(value);
    } else if (value.isEmpty() || value.contains("=")) {
      given = parseKeywords(value);
    } else {
      throw new ConsoleException("cannot read the connection string: " + EXPECTED);
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, String> variable : ENVIRONMENT.entrySet()) {
      String fromEnvironment = environment.get(variable.getValue());
      if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
        parameters.put(variable.getKey(), fromEnvironment);
      }
    }
    parameters.putAll(given);
    return fromParameters(parameters, environment);
  }

  /** The URL to hand to the driver (without credentials: they are in {@link #properties()}). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** A copy of the driver properties: user, password, SSL settings. */
  public Properties properties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  /** {@code user@host:port/database}, safe to print. */
  public String display() {
    return display;
  }

  @Override
  public String toString() {
    return display;
  }

  private static ConnectionTarget fromParameters(
      Map<String, String> parameters, Map<String, String> environment) {
    String user = parameters.getOrDefault("user", osUser(environment));
    String database = parameters.getOrDefault("dbname", user);
    String hostList = parameters.getOrDefault("host", "localhost");
    String portList = parameters.getOrDefault("port", "5432");
    String[] hosts = hostList.split(",", -1);
    String[] ports = portList.split(",", -1);
    if (ports.length != 1 && ports.length != hosts.length) {
      throw new ConsoleException(
          "gave "
              + hosts.length
              + " hosts and "
              + ports.length
              + " ports: give one port, or one per host");
    }
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < hosts.length; i++) {
      String host = hosts[i].trim();
      if (host.isEmpty()) {
        host = "localhost";
      } else if (host.startsWith("/")) {
        throw new ConsoleException(
            "host "
                + host
                + " is a Unix-domain socket directory, which the console cannot use:"
                + " give a host name or address (localhost)");
      }
      String port = (ports.length == 1 ? ports[0] : ports[i]).trim();
      if (port.isEmpty()) {
        port = "5432";
      }
      if (!port.chars().allMatch(Character::isDigit)
          || port.length() > 5
          || Integer.parseInt(port) > 65535) {
        throw new ConsoleException("port '" + port + "' is not a port number");
      }
      boolean ipv6 = host.indexOf(':') >= 0 && !host.startsWith("[");
      addresses.add((ipv6 ? "[" + host + "]" : host) + ":" + port);
    }
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (parameters.get("password") != null) {
      properties.setProperty("password", parameters.get("password"));
    }
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      String key = parameter.getKey();
      if (key.equals("host")
          || key.equals("port")
          || key.equals("dbname")
          || key.equals("user")
          || key.equals("password")) {
        continue;
      }
      if (!PARAMETERS.containsKey(key)) {
        throw new ConsoleException(
            "unknown connection parameter '"
                + key
                + "'; the console takes host, port, dbname,"
                + " user, password, "
                + String.join(", ", PARAMETERS.keySet()));
      }
      String pgjdbcName = PARAMETERS.get(key);
      if (pgjdbcName != null) {
        properties.setProperty(pgjdbcName, pgjdbcValue(key, parameter.getValue()));
      }
    }
    String jdbcUrl =
        "jdbc:postgresql://"
            + String.join(",", addresses)
            + "/"
            + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    return new ConnectionTarget(
        jdbcUrl, properties, user + "@" + String.join(",", addresses) + "/" + database);
  }

  /** pgjdbc reads the URL itself; the environment fills in the user and password it lacks. */
  private static ConnectionTarget fromJdbc(String url, Map<String, String> environment) {
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new ConsoleException("only PostgreSQL URLs (jdbc:postgresql:…) are read: " + EXPECTED);
    }
    int q = url.indexOf('?');
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : url.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(pair.substring(0, eq), decode(pair.substring(eq + 1), false));
        }
      }
    }
    Properties properties = new Properties();
    String user = query.get("user");
    if (user == null) {
      user = environment.getOrDefault("PGUSER", osUser(environment));
      properties.setProperty("user", user);
    }
    if (query.get("password") == null && environment.get("PGPASSWORD") != null) {
      properties.setProperty("password", environment.get("PGPASSWORD"));
    }
    String location = url.substring("jdbc:postgresql:".length(), q < 0 ? url.length() : q);
    if (location.startsWith("//")) {
      location = location.substring(2);
    } else {
      location = "localhost:5432/" + location;
    }
    return new ConnectionTarget(url, properties, user + "@" + location);
  }

  /**
   * {@code postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&...]}, with
   * percent-encoding anywhere, as libpq reads it.
   */
  static Map<String, String> parseUri(String uri) {
    String rest = uri.substring(uri.indexOf("://") + 3);
    Map<String, String> parameters = new LinkedHashMap<>();
    int query = rest.indexOf('?');
    if (query >= 0) {
      for (String pair : rest.substring(query + 1).split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new ConsoleException("malformed parameter in the connection URI: " + EXPECTED);
        }
        parameters.put(decode(pair.substring(0, eq), true), decode(pair.substring(eq + 1), true));
      }
      rest = rest.substring(0, query);
    }
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      String database = decode(rest.substring(slash + 1), true);
      if (!database.isEmpty()) {
        parameters.putIfAbsent("dbname", database);
      }
      rest = rest.substring(0, slash);
    }
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      int colon = userInfo.indexOf(':');
      String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), true);
      if (!user.isEmpty()) {
        parameters.putIfAbsent("user", user);
      }
      if (colon >= 0) {
        parameters.putIfAbsent("password", decode(userInfo.substring(colon + 1), true));
      }
      rest = rest.substring(at + 1);
    }
    if (!rest.isEmpty()) {
      List<String> hosts = new ArrayList<>();
      List<String> ports = new ArrayList<>();
      for (String address : rest.split(",", -1)) {
        String host = address;
        String port = "";
        if (address.startsWith("[")) {
          int close = address.indexOf(']');
          if (close < 0) {
            throw new ConsoleException("unclosed [ in an IPv6 host: " + EXPECTED);
          }
          host = address.substring(1, close);
          if (address.startsWith(":", close + 1)) {
            port = address.substring(close + 2);
          }
        } else if (address.indexOf(':') >= 0) {
          host = address.substring(0, address.indexOf(':'));
          port = address.substring(address.indexOf(':') + 1);
        }
        hosts.add(decode(host, true));
        ports.add(port);
      }
      if (hosts.stream().anyMatch(h -> !h.isEmpty())) {
        parameters.putIfAbsent("host", String.join(",", hosts));
      }
      if (ports.stream().anyMatch(p -> !p.isEmpty())) {
        parameters.putIfAbsent("port", String.join(",", ports));
      }
    }
    return parameters;
  }

  /** {@code host=db port=5432 dbname='my db'}: libpq's keyword/value connection string. */
  static Map<String, String> parseKeywords(String text) {
    Map<String, String> parameters = new LinkedHashMap<>();
    int i = 0;
    while (true) {
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= text.length()) {
        return parameters;
      }
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        throw new ConsoleException("missing '=' in the connection string: " + EXPECTED);
      }
      String key = text.substring(i, eq).trim();
      i = eq + 1;
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      boolean quoted = i < text.length() && text.charAt(i) == '\'';
      if (quoted) {
        i++;
      }
      while (i < text.length()) {
        char c = text.charAt(i);
        if (quoted ? c == '\'' : Character.isWhitespace(c)) {
          break;
        }
        if (c == '\\' && i + 1 < text.length()) {
          c = text.charAt(++i);
        }
        value.append(c);
        i++;
      }
      if (quoted) {
        if (i >= text.length()) {
          throw new ConsoleException("unterminated quoted value in the connection string");
        }
        i++;
      }
      parameters.put(key, value.toString());
    }
  }

  private static String pgjdbcValue(String key, String value) {
    if (key.equals("target_session_attrs")) {
      switch (value.toLowerCase(Locale.ROOT)) {
        case "read-write":
        case "primary":
          return "primary";
        case "read-only":
        case "standby":
          return "secondary";
        case "prefer-standby":
          return "preferSecondary";
        case "any":
          return "any";
        default:
          throw new ConsoleException(
              "target_session_attrs '"
                  + value
                  + "' is not one of any, read-write, read-only,"
                  + " primary, standby, prefer-standby");
      }
    }
    return value;
  }

  private static String osUser(Map<String, String> environment) {
    String user = System.getProperty("user.name");
    return user == null || user.isEmpty() ? environment.getOrDefault("USER", "postgres") : user;
  }

  // URI components are percent-encoded ('+' is a plus); a JDBC query string is form-encoded.
  private static String decode(String value, boolean uri) {
    try {
      return URLDecoder.decode(uri ? value.replace("+", "%2B") : value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConsoleException("malformed %-escape in the connection string");
    }
  }
}
