package dev.sqlorigin.cli;

import dev.sqlorigin.cli.connect.ConnectionTarget;
import dev.sqlorigin.cli.view.Filter;
import java.time.Duration;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every view shares: where, how often, as what, and how narrowed. */
final class ViewOptions {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<connection>",
      description =
          "postgres://user:pass@host:port/db, 'host=… dbname=…' or jdbc:postgresql://…;"
              + " default: PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, ~/.pgpass")
  String connection;

  @Option(
      names = "--watch",
      arity = "0..1",
      fallbackValue = "2s",
      paramLabel = "<interval>",
      converter = Durations.Converter.class,
      description = "refresh in place every <interval> (default 2s) until q is pressed")
  Duration watch;

  @Option(names = "--json", description = "print JSON (one object per refresh with --watch)")
  boolean json;

  @Option(
      names = "--limit",
      paramLabel = "<n>",
      description = "show at most <n> rows (groups, root blockers)")
  int limit;

  @Option(
      names = "--min-age",
      paramLabel = "<duration>",
      converter = Durations.Converter.class,
      description = "only sessions busy (not idle) for at least this long, e.g. 30s")
  Duration minAge;

  @Option(
      names = "--route",
      paramLabel = "<text>",
      description = "only origins containing <text> (case-insensitive)")
  String route;

  @Option(
      names = "--app",
      paramLabel = "<text>",
      description = "only applications whose name contains <text> (case-insensitive)")
  String application;

  @Option(
      names = "--statement-timeout",
      paramLabel = "<duration>",
      defaultValue = "3s",
      converter = Durations.Converter.class,
      description = "the longest one read may take on the server (default ${DEFAULT-VALUE})")
  Duration statementTimeout;

  ConnectionTarget target(Main main) {
    return ConnectionTarget.resolve(connection, main.environment);
  }

  Filter filter() {
    if (limit < 0) {
      throw new ConsoleException("--limit must be 0 (all) or more");
    }
    return new Filter(route, application, minAge, limit);
  }
}
