package dev.sqlorigin.agent.otel;

import java.util.Locale;

/**
 * What a JDBC URL says about the database a statement goes to, for {@code db.system.name}, {@code
 * db.namespace}, {@code server.address} and {@code server.port}. Read once per URL.
 */
final class Database {

  final String system;
  final String namespace;
  final String address;
  final long port;

  private Database(String system, String namespace, String address, long port) {
    this.system = system;
    this.namespace = namespace;
    this.address = address;
    this.port = port;
  }

  /**
   * Parses {@code jdbc:<subprotocol>://host[:port][,host2...]/database[?...]}; what it cannot read
   * stays null (port: 0). PostgreSQL's default port is filled in, as its driver does.
   */
  static Database parse(String url) {
    if (url == null || !url.startsWith("jdbc:")) {
      return new Database("other_sql", null, null, 0);
    }
    int colon = url.indexOf(':', 5);
    String system = colon < 0 ? "other_sql" : url.substring(5, colon).toLowerCase(Locale.ROOT);
    int hosts = url.indexOf("//");
    if (hosts < 0) {
      return new Database(system, null, null, 0);
    }
    int slash = url.indexOf('/', hosts + 2);
    int query = url.indexOf('?', hosts + 2);
    int hostsEnd = slash >= 0 ? slash : query >= 0 ? query : url.length();
    String first = url.substring(hosts + 2, hostsEnd).split(",")[0];
    String address = first;
    long port = "postgresql".equals(system) ? 5432 : 0;
    int portAt = first.lastIndexOf(':');
    if (portAt > 0 && first.indexOf(']') < portAt) {
      address = first.substring(0, portAt);
      try {
        port = Long.parseLong(first.substring(portAt + 1));
      } catch (NumberFormatException e) {
        port = 0;
      }
    }
    String namespace = null;
    if (slash >= 0) {
      int end = query > slash ? query : url.length();
      namespace = end > slash + 1 ? url.substring(slash + 1, end) : null;
    }
    return new Database(system, namespace, address.isEmpty() ? null : address, port);
  }
}
