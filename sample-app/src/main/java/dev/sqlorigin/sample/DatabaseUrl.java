package dev.sqlorigin.sample;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the database is: a pgjdbc URL ({@code jdbc:postgresql://host:port/db?user=..&password=..})
 * or the {@code postgres://user:pass@host:port/db} form that PaaS providers put in DATABASE_URL.
 *
 * <p>Error messages never quote the value, because it usually carries a password.
 */
final class DatabaseUrl {

  private static final String EXPECTED =
      "expected jdbc:postgresql://HOST[:PORT]/DATABASE?user=USER&password=PASSWORD"
          + " or postgres://USER:PASSWORD@HOST[:PORT]/DATABASE";

  private final String jdbcUrl;
  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String sslMode;

  private DatabaseUrl(String jdbcUrl, URI location, String user, String query) {
    this.jdbcUrl = jdbcUrl;
    this.host = location.getHost();
    this.port = location.getPort() < 0 ? 5432 : location.getPort();
    this.database = location.getRawPath().substring(1);
    this.user = user != null ? user : queryParam(query, "user");
    this.sslMode = queryParam(query, "sslmode");
  }

  /**
   * @throws IllegalArgumentException with a message fit to show the user
   */
  static DatabaseUrl parse(String value) {
    if (value.startsWith("jdbc:postgresql:")) {
      return fromJdbc(value);
    }
    if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
      return fromLibpq(value);
    }
    throw new IllegalArgumentException(EXPECTED);
  }

  private static DatabaseUrl fromJdbc(String value) {
    // pgjdbc does not require the query string to be URL-safe (a password may contain '#'), so only
    // the part before it goes through java.net.URI, and the URL itself is handed to the driver
    // untouched.
    int q = value.indexOf('?');
    String query = q < 0 ? "" : value.substring(q + 1);
    URI location = location(value.substring("jdbc:".length(), q < 0 ? value.length() : q));
    if (location.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "a JDBC URL takes the user and password as ?user=..&password=..");
    }
    return new DatabaseUrl(value, location, null, query);
  }

  private static DatabaseUrl fromLibpq(String value) {
    URI location = location(value);
    String query = location.getRawQuery() == null ? "" : location.getRawQuery();
    String user = null;
    String password = null;
    String userInfo = location.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : percentDecode(userInfo.substring(colon + 1));
    }
    List<String> params = new ArrayList<>();
    if (user != null) {
      params.add("user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
    }
    if (password != null) {
      params.add("password=" + URLEncoder.encode(password, StandardCharsets.UTF_8));
    }
    if (!query.isEmpty()) {
      params.add(query); // e.g. sslmode=require, which pgjdbc understands too
    }
    String jdbcUrl =
        "jdbc:postgresql://"
            + location.getHost()
            + ":"
            + (location.getPort() < 0 ? 5432 : location.getPort())
            + location.getRawPath()
            + (params.isEmpty() ? "" : "?" + String.join("&", params));
    return new DatabaseUrl(jdbcUrl, location, user, query);
  }

  private static URI location(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid URL (" + e.getReason() + "); " + EXPECTED);
    }
    // java.net.URI reports no host when the authority does not parse as host[:port], e.g. a bad
    // port.
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("missing or malformed HOST[:PORT]; " + EXPECTED);
    }
    if (uri.getPort() > 65535) {
      throw new IllegalArgumentException("port " + uri.getPort() + " is out of range");
    }
    String path = uri.getRawPath();
    if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new IllegalArgumentException("missing or malformed /DATABASE; " + EXPECTED);
    }
    return uri;
  }

  /** The URL to give to the driver, password included. */
  String jdbcUrl() {
    return jdbcUrl;
  }

  /** The JDBC URL without its password, safe to print. */
  String displayUrl() {
    int q = jdbcUrl.indexOf('?');
    if (q < 0) {
      return jdbcUrl;
    }
    List<String> kept = new ArrayList<>();
    for (String param : jdbcUrl.substring(q + 1).split("&")) {
      if (!param.regionMatches(true, 0, "password=", 0, "password=".length())) {
        kept.add(param);
      }
    }
    return jdbcUrl.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
  }

  /**
   * A libpq URL for psql. It leaves the password out on purpose: it is printed to stdout, and psql
   * prompts for it (or finds it in PGPASSWORD or ~/.pgpass).
   */
  String psqlUrl() {
    StringBuilder url = new StringBuilder("postgresql://");
    if (user != null) {
      url.append(percentEncode(user)).append('@');
    }
    url.append(host).append(':').append(port).append('/').append(database);
    if (sslMode != null) {
      url.append("?sslmode=").append(percentEncode(sslMode));
    }
    return url.toString();
  }

  /** Reads a parameter the way pgjdbc does (form decoding), or null. */
  private static String queryParam(String query, String name) {
    for (String param : query.split("&")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).equals(name)) {
        try {
          return URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("malformed %-escape in the " + name + " parameter");
        }
      }
    }
    return null;
  }

  // URL user info is percent-encoded, where '+' is a literal plus, unlike in form encoding.
  private static String percentDecode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed %-escape in USER:PASSWORD");
    }
  }

  private static String percentEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
