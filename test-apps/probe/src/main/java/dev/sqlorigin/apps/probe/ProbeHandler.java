package dev.sqlorigin.apps.probe;

import dev.sqlorigin.api.SqlOrigin;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Function;
import javax.management.ObjectName;

/**
 * The test applications' endpoints, independent of the server and its API. Answers are plain text,
 * one {@code name=value} per line, so a test reads them without a JSON library.
 */
public final class ProbeHandler {

  private final Probe probe;
  private final Executor serverThreads;
  private final Callable<String> ownDependencies;
  private final Carriers carriers = new Carriers();

  /**
   * @param serverThreads the server's request threads, to run work outside requests on
   * @param ownDependencies what {@code /probe/deps} does with the application's own copies of the
   *     libraries the agent also uses
   */
  public ProbeHandler(Probe probe, Executor serverThreads, Callable<String> ownDependencies) {
    this.probe = probe;
    this.serverThreads = serverThreads;
    this.ownDependencies = ownDependencies;
  }

  /**
   * {@code /probe/<kind>[/anything]}, {@code ?raw=true} to bypass the pool; {@code
   * /probe/cancellable/<kind>?seconds=&token=} for statements that get abandoned; {@code
   * /probe/carried/<mechanism>[?cancellable=<kind>&seconds=&token=]} runs the statement on another
   * thread ({@link Carriers}).
   */
  public String handle(String pathInfo, Function<String, String> parameters) throws Exception {
    String[] parts = pathInfo == null ? new String[0] : pathInfo.split("/");
    String kind = parts.length > 1 ? parts[1] : "prepared";
    StringBuilder out = new StringBuilder("thread=" + Thread.currentThread().getName() + "\n");
    switch (kind) {
      case "fail":
        probe.run("prepared", false);
        throw new IllegalStateException("failing on purpose after a statement");
      case "background":
        for (String sent : probe.background(serverThreads, 8)) {
          out.append("background=").append(sent).append('\n');
        }
        return out.toString();
      case "cancellable":
        String seconds = parameters.apply("seconds");
        return out.append(
                probe.cancellable(
                    parts[2],
                    parameters.apply("token"),
                    seconds == null ? 30 : Double.parseDouble(seconds)))
            .toString();
      case "carried":
        String cancellable = parameters.apply("cancellable");
        String token = parameters.apply("token");
        double wait =
            parameters.apply("seconds") == null
                ? 30
                : Double.parseDouble(parameters.apply("seconds"));
        return out.append(
                carriers.run(
                    parts[2],
                    () ->
                        cancellable == null
                            ? sent(probe.run("prepared", false))
                            : probe.cancellable(cancellable, token, wait)))
            .toString();
      case "job":
        // A unit of work named through sqlorigin-api on a background thread; a statement inside it,
        // one it hands to an executor, and one after it.
        String origin = parameters.apply("origin");
        return out.append(
                carriers.run(
                    "background",
                    () ->
                        SqlOrigin.call(
                                origin,
                                () ->
                                    "job-"
                                        + sent(probe.run("prepared", false))
                                        + carriers.run(
                                            "executor", () -> sent(probe.run("prepared", false))))
                            + "after-"
                            + sent(probe.run("prepared", false))))
            .toString();
      case "pool-init":
        for (String text : probe.poolInitStatements()) {
          out.append("init=").append(text).append('\n');
        }
        return out.toString();
      case "requests":
        // What an operator sees in JMX (dev.sqlorigin:type=Requests), read in-process.
        for (String request :
            (String[])
                ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName("dev.sqlorigin:type=Requests"), "Requests")) {
          out.append("request=").append(request).append('\n');
        }
        return out.toString();
      case "load-statement":
        // Loads a Statement implementation by name and runs its executeQuery, inside a request.
        java.sql.Statement statement =
            (java.sql.Statement)
                Class.forName(parameters.apply("class")).getConstructor().newInstance();
        return out.append("executed=")
            .append(statement.executeQuery("SELECT 1"))
            .append('\n')
            .toString();
      case "cancels-sent":
        // With -Dprobe.record-cancels=true: when pgjdbc sent each cancel request.
        for (long micros : SentCancels.sent()) {
          out.append("cancel=").append(micros).append('\n');
        }
        return out.toString();
      case "registry":
        // The registry and the gauges as JMX shows them, read in-process; this request is listed.
        ObjectName requests = new ObjectName("dev.sqlorigin:type=Requests");
        for (String attribute : List.of("StatementsInFlight", "ConnectionWaits")) {
          out.append(attribute)
              .append('=')
              .append(ManagementFactory.getPlatformMBeanServer().getAttribute(requests, attribute))
              .append('\n');
        }
        for (String request :
            (String[])
                ManagementFactory.getPlatformMBeanServer().getAttribute(requests, "Requests")) {
          out.append("request=").append(request).append('\n');
        }
        return out.toString();
      case "guard":
        return out.append("guard=").append(probe.guardRows()).append('\n').toString();
      case "deps":
        return out.append(ownDependencies.call())
            .append(sent(probe.run("prepared", false)))
            .toString();
      default:
        return out.append(sent(probe.run(kind, "true".equals(parameters.apply("raw"))))).toString();
    }
  }

  /** What the outermost filter runs before the servlet: the same request must own both. */
  public String filterStatement() throws Exception {
    return probe.run("prepared", false).get(0);
  }

  private static String sent(List<String> texts) {
    StringBuilder out = new StringBuilder();
    for (String text : texts) {
      out.append("sent=").append(text.replace('\n', ' ')).append('\n');
    }
    return out.toString();
  }
}
