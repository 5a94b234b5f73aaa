package dev.sqlorigin.sample;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small JSON API on Jetty, HikariCP and PostgreSQL that replays the incidents sqlorigin is for.
 *
 * <p>Run it with {@code java -jar sample-app.jar [--port=N] [--host=ADDRESS] [--database-url=URL]
 * [--pool-size=N] [--threads=N] [--virtual-threads=true]}; without a database URL it starts an
 * embedded PostgreSQL.
 */
public final class SampleApp {

  private static final Logger LOG = LoggerFactory.getLogger(SampleApp.class);

  private static final String WATCH_QUERY =
      "SELECT pid, now() - query_start AS age, application_name, left(query, 160) AS query"
          + " FROM pg_stat_activity WHERE state <> 'idle' AND pid <> pg_backend_pid()";

  private final Config config;

  // Set one by one as start() progresses, so that stop() can undo a start-up that failed half-way.
  private EmbeddedPostgres embedded;
  private DatabaseUrl databaseUrl;
  private HikariDataSource pool;
  private Server server;
  private ServerConnector connector;
  private boolean stopped;

  private SampleApp(Config config) {
    this.config = config;
  }

  public static void main(String[] args) {
    Config config;
    try {
      config = Config.parse(args, System.getenv());
    } catch (Config.Invalid e) {
      System.err.println("sample-app: " + e.getMessage());
      System.exit(2);
      return;
    }

    SampleApp app = new SampleApp(config);
    // Registered before start() so that a SIGTERM during start-up still stops the embedded
    // database.
    Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "sample-app-shutdown"));
    try {
      app.start();
    } catch (Exception e) {
      LOG.error("sample-app failed to start", e);
      System.exit(1); // runs the shutdown hook, which stops whatever did start
    }
    app.printBanner();
  }

  private synchronized void start() throws Exception {
    if (config.databaseUrl() == null) {
      embedded = Database.startEmbedded();
      databaseUrl = Database.urlOf(embedded);
    } else {
      databaseUrl = config.databaseUrl();
    }
    pool = Database.openPool(databaseUrl, config.poolSize());
    Database.createSchema(pool);

    server = createServer(pool);
    server.start();
  }

  private Server createServer(DataSource dataSource) {
    QueuedThreadPool threads = new QueuedThreadPool(config.threads());
    threads.setName("sample-app");
    if (config.virtualThreads()) {
      // Requests then run on virtual threads (JDK 21+), thousands of them blocked in JDBC at once.
      Executor virtual = VirtualThreads.getDefaultVirtualThreadsExecutor();
      if (virtual == null) {
        throw new IllegalStateException("--virtual-threads=true needs a JDK with virtual threads");
      }
      threads.setVirtualThreadsExecutor(virtual);
    }
    Server jetty = new Server(threads);

    connector = new ServerConnector(jetty);
    connector.setHost(config.host());
    connector.setPort(config.port());
    jetty.addConnector(connector);

    // The mappings are part of the demo: the agent names each route after its servlet mapping.
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new OwnersServlet(dataSource), "/api/owners/*");
    context.addServlet(
        new CampaignParticipationsServlet(dataSource), "/api/campaign-participations");
    context.addServlet(new RecomputeServlet(dataSource), "/api/campaign-participations/recompute");
    context.addServlet(new ImportsServlet(dataSource), "/api/imports");
    context.addServlet(new CampaignReportServlet(dataSource), "/api/campaigns/*");
    context.addServlet(new HealthServlet(), "/health");

    // Without a GracefulHandler, Jetty's stop would not wait for the requests in flight.
    jetty.setHandler(new GracefulHandler(context));
    jetty.setStopTimeout(5_000);
    return jetty;
  }

  private void printBanner() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    String baseUrl = "http://" + host + ":" + connector.getLocalPort();
    // Tests read the port from the first line, so it must come out only now, and at once.
    System.out.println("sample-app listening on " + baseUrl);
    System.out.println("database: " + databaseUrl.displayUrl());
    System.out.println(
        "watch the queries: psql \"" + databaseUrl.psqlUrl() + "\" -c \"" + WATCH_QUERY + "\"");
    System.out.println(
        "try: curl -s -XPOST '" + baseUrl + "/api/imports?seconds=30' -H 'X-Request-Id: demo-1'");
    System.out.flush();
  }

  /** Stops in dependency order: no new requests, then no connections, then no database. */
  private synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (server != null) {
      try {
        server.stop();
      } catch (TimeoutException e) {
        // Expected when a request outlives the graceful stop, such as a long import: not worth a
        // stack trace.
        LOG.warn(
            "requests still running after the {} ms graceful stop; stopping anyway",
            server.getStopTimeout());
      } catch (Exception e) {
        LOG.warn("stopping Jetty failed", e);
      }
    }
    // Statements still running (requests that outlived the graceful stop) are to be cancelled here,
    // before the pool closes their connections.
    if (pool != null) {
      pool.close();
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (Exception e) {
        LOG.warn("stopping the embedded PostgreSQL failed", e);
      }
    }
  }
}
