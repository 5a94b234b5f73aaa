package dev.sqlorigin.sample;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Settings from {@code --name=value} flags, falling back to environment variables.
 *
 * @param databaseUrl null to run an embedded PostgreSQL
 */
record Config(
    String host,
    int port,
    DatabaseUrl databaseUrl,
    int poolSize,
    int threads,
    boolean virtualThreads) {

  private static final Set<String> FLAGS =
      Set.of("--host", "--port", "--database-url", "--pool-size", "--threads", "--virtual-threads");
  private static final String USAGE =
      "options: --port=N --host=ADDRESS --database-url=URL --pool-size=N --threads=N"
          + " --virtual-threads=true|false";

  /** A setting that cannot be used; the message names it and is meant to be shown as is. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /** Where a value came from, so that an error names the flag or variable the user actually set. */
  private record Setting(String name, String value) {}

  static Config parse(String[] args, Map<String, String> env) throws Invalid {
    Map<String, String> flags = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      // Only the name is echoed: a mistyped --database-url would otherwise print its password.
      if (!FLAGS.contains(name)) {
        throw new Invalid("unknown option " + name + " (" + USAGE + ")");
      }
      if (eq < 0) {
        throw new Invalid(name + " needs a value, as in " + name + "=VALUE");
      }
      flags.put(name, arg.substring(eq + 1));
    }

    Setting host = lookup(flags, env, "--host", "BIND_HOST");
    if (host.value() != null && host.value().isBlank()) {
      throw new Invalid("invalid " + host.name() + ": empty address");
    }
    Setting url = lookup(flags, env, "--database-url", "DATABASE_URL");
    DatabaseUrl databaseUrl = null;
    if (url.value() != null) {
      try {
        databaseUrl = DatabaseUrl.parse(url.value());
      } catch (IllegalArgumentException e) {
        throw new Invalid("invalid " + url.name() + ": " + e.getMessage());
      }
    }
    return new Config(
        host.value() == null ? "127.0.0.1" : host.value(),
        integer(lookup(flags, env, "--port", "PORT"), 8080, 0, 65535),
        databaseUrl,
        integer(lookup(flags, env, "--pool-size", "POOL_SIZE"), 10, 1, 1000),
        integer(lookup(flags, env, "--threads", "THREADS"), 50, 8, 10_000),
        bool(lookup(flags, env, "--virtual-threads", "VIRTUAL_THREADS")));
  }

  private static boolean bool(Setting setting) throws Invalid {
    if (setting.value() == null || setting.value().equalsIgnoreCase("false")) {
      return false;
    }
    if (setting.value().equalsIgnoreCase("true")) {
      return true;
    }
    throw new Invalid(
        "invalid " + setting.name() + ": expected true or false, got '" + setting.value() + "'");
  }

  // A blank variable counts as unset, as platforms sometimes export empty ones; a blank flag is a
  // mistake.
  private static Setting lookup(
      Map<String, String> flags, Map<String, String> env, String flag, String variable) {
    if (flags.containsKey(flag)) {
      return new Setting(flag, flags.get(flag).trim());
    }
    String value = env.get(variable);
    return new Setting(variable, value == null || value.isBlank() ? null : value.trim());
  }

  private static int integer(Setting setting, int defaultValue, int min, int max) throws Invalid {
    if (setting.value() == null) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(setting.value());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, like an out-of-range value
    }
    throw new Invalid(
        "invalid "
            + setting.name()
            + ": expected an integer from "
            + min
            + " to "
            + max
            + ", got '"
            + setting.value()
            + "'");
  }
}
