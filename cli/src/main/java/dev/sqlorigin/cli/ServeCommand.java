package dev.sqlorigin.cli;

import dev.sqlorigin.cli.connect.ConnectionTarget;
import dev.sqlorigin.cli.snapshot.Snapshots;
import dev.sqlorigin.cli.view.Filter;
import dev.sqlorigin.cli.web.WebServer;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "One web page for a whole incident call: the lock tree drawn as a tree, activity by"
          + " origin, long statements, and connections by application (has every application"
          + " let go before a maintenance migration?), refreshed every 2 seconds.",
      "No login: it listens on 127.0.0.1 unless --bind says otherwise, and says so."
    })
final class ServeCommand implements Callable<Integer> {

  @ParentCommand Main main;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<connection>",
      description = "as for activity and locks; default: PG* variables and ~/.pgpass")
  String connection;

  @Option(
      names = "--port",
      defaultValue = "8090",
      paramLabel = "<port>",
      description = "the port (default ${DEFAULT-VALUE}; 0 picks a free one)")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      paramLabel = "<address>",
      description =
          "the address to listen on (default ${DEFAULT-VALUE}: this machine only;"
              + " 0.0.0.0 shares the page with everyone who can reach the machine)")
  String bind;

  @Option(
      names = "--interval",
      defaultValue = "2s",
      paramLabel = "<duration>",
      converter = Durations.Converter.class,
      description = "how often the page refreshes (default ${DEFAULT-VALUE})")
  Duration interval;

  @Option(
      names = "--long",
      defaultValue = "5s",
      paramLabel = "<duration>",
      converter = Durations.Converter.class,
      description =
          "the age from which a statement or an idle transaction is listed as long"
              + " (default ${DEFAULT-VALUE})")
  Duration longStatement;

  @Option(names = "--route", paramLabel = "<text>", description = "only origins containing <text>")
  String route;

  @Option(
      names = "--app",
      paramLabel = "<text>",
      description = "only applications whose name contains <text>")
  String application;

  @Option(
      names = "--statement-timeout",
      paramLabel = "<duration>",
      defaultValue = "3s",
      converter = Durations.Converter.class,
      description = "the longest one read may take on the server (default ${DEFAULT-VALUE})")
  Duration statementTimeout;

  @Override
  public Integer call() throws InterruptedException {
    if (interval.toMillis() < 500) {
      throw new ConsoleException("--interval must be 500ms or more");
    }
    ConnectionTarget target = ConnectionTarget.resolve(connection, main.environment);
    try (Snapshots snapshots = new Snapshots(target, statementTimeout);
        WebServer server =
            new WebServer(
                snapshots,
                bind,
                port,
                interval,
                longStatement,
                new Filter(route, application, null, 0))) {
      server.start();
      String host = bind.contains(":") ? "[" + bind + "]" : bind;
      main.out.println(
          "sqlorigin serve: http://" + host + ":" + server.port() + "/ reads " + target.display());
      main.out.println(
          server.loopbackOnly()
              ? "listening on "
                  + bind
                  + " only: this machine alone can open it (--bind 0.0.0.0"
                  + " shares it; there is no login)"
              : "listening on "
                  + bind
                  + ": anyone who can reach this address sees the queries"
                  + " (there is no login)");
      main.out.println("Ctrl-C stops it");
      main.out.flush();
      server.join();
      return 0;
    }
  }
}
