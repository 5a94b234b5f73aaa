package dev.sqlorigin.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sqlorigin}: live activity and lock trees by route, in a terminal and on a web page. */
@Command(
    name = "sqlorigin",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Reads pg_stat_activity and pg_locks and tells, by route, what the database is doing and"
          + " who blocks whom. The route comes from the statement's leading comment (sqlorigin,"
          + " sqlcommenter, Rails QueryLogs/marginalia, Datadog, plain), else application_name,"
          + " else the client address.",
      "",
      "Connection: a postgres:// URI, a 'host=… dbname=…' string or a jdbc:postgresql: URL;"
          + " what it leaves out comes from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD,"
          + " PGSSLMODE and ~/.pgpass, as for psql.",
      "",
      "Exit codes: 0 done, 1 nothing done (cancel: the backend moved on), 2 could not run"
          + " (unreachable, refused, server older than 12, bad arguments)."
    },
    subcommands = {
      ActivityCommand.class,
      LocksCommand.class,
      CancelCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  // Held so that the setting is not collected with the logger: JLine reports on its own choice of
  // terminal through java.util.logging, which would print on the operator's screen.
  private static final Logger JLINE = Logger.getLogger("org.jline");

  final Map<String, String> environment;
  final PrintWriter out;
  final PrintWriter err;
  final Charset charset;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  Main(Map<String, String> environment, PrintWriter out, PrintWriter err, Charset charset) {
    this.environment = environment;
    this.out = out;
    this.err = err;
    this.charset = charset;
  }

  public static void main(String[] args) {
    JLINE.setLevel(Level.OFF);
    Charset charset = stdoutCharset();
    PrintWriter out =
        new PrintWriter(
            new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), charset), true);
    PrintWriter err =
        new PrintWriter(
            new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), charset), true);
    int code = run(args, System.getenv(), out, err, charset);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line; returns the exit code. */
  public static int run(
      String[] args,
      Map<String, String> environment,
      PrintWriter out,
      PrintWriter err,
      Charset charset) {
    CommandLine line = new CommandLine(new Main(environment, out, err, charset));
    line.setOut(out);
    line.setErr(err);
    line.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof ConsoleException) {
            err.println("sqlorigin: " + e.getMessage());
            return ((ConsoleException) e).exitCode();
          }
          err.println("sqlorigin: unexpected " + e);
          e.printStackTrace(err);
          return 1;
        });
    return line.execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command: activity, locks, cancel or serve");
  }

  /** What the terminal expects: the JDK's own guess, as java.io.Console would encode. */
  static Charset stdoutCharset() {
    for (String property :
        new String[] {"stdout.encoding", "sun.stdout.encoding", "native.encoding"}) {
      String name = System.getProperty(property);
      if (name != null) {
        try {
          return Charset.forName(name);
        } catch (IllegalArgumentException ignored) {
          // an encoding this JDK does not know: try the next guess
        }
      }
    }
    return Charset.defaultCharset();
  }

  /** The version in the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"sqlorigin " + (version == null ? "(development build)" : version)};
    }
  }
}
