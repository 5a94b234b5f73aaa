package dev.sqlorigin.agent;

import dev.sqlorigin.agent.cancel.PlatformMBeanServerInstrumentation;
import dev.sqlorigin.agent.cancel.Requests;
import dev.sqlorigin.agent.cancel.ShutdownCanceller;
import dev.sqlorigin.agent.cancel.Watchdog;
import dev.sqlorigin.agent.control.Controls;
import dev.sqlorigin.agent.otel.OtelActivation;
import dev.sqlorigin.agent.otel.OtelTelemetry;
import dev.sqlorigin.cancel.Cancels;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.database.BackendPid;
import dev.sqlorigin.database.StatementText;
import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.instrumentation.jdbc.JdbcApplicationName;
import dev.sqlorigin.instrumentation.jdbc.JdbcBackendPid;
import dev.sqlorigin.instrumentation.jdbc.JdbcStatementCanceller;
import dev.sqlorigin.instrumentation.jdbc.JdbcStatementText;
import dev.sqlorigin.instrumentation.threads.ThreadsInstrumentationModule;
import dev.sqlorigin.label.ApplicationName;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.log.AgentLog;
import dev.sqlorigin.management.PlatformMBeanServers;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads the settings, wires logging and installs the instrumentations. Runs once, from premain; the
 * instrumentation itself is built on a thread of its own.
 */
public final class AgentInstaller {

  // How long what needs a part built beside the application's start waits for it (a class that may
  // be changed, for the weaver; a request, for the telemetry) before it goes on without: far longer
  // than the build takes, short of a start that looks hung.
  private static final long BUILD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

  private AgentInstaller() {}

  /**
   * Installs the agent. {@code jarName} is null when the JVM put core on the bootstrap class path
   * from the manifest; otherwise the name the jar must have for that (it was renamed, and premain
   * appended core itself). A String, not a reference to the version gate's constant: this class
   * must not make the compiler build the gate for Java 11.
   */
  public static void install(Instrumentation instrumentation, String jarName) {
    long began = System.nanoTime();
    Config config = Config.fromSystem();
    AgentLogging.install(config.logLevel());
    for (String problem : config.problems()) {
      AgentLog.warn(problem);
    }
    String version = AgentInstaller.class.getPackage().getImplementationVersion();
    if (!config.enabled()) {
      AgentLog.info("sqlorigin " + version + " is disabled (" + Config.ENABLED + "=false)");
      return;
    }
    Config.install(config);
    if (config.jmx()) {
      // Registered when the platform MBean server is created, by whatever creates it (remote JMX,
      // jcmd, jconsole, an exporter, the application; see JdkClassesInstaller): creating it for
      // the MBean alone cost 0.15-0.2 s of CPU at every start, in JVMs nobody reads over JMX.
      PlatformMBeanServers.install(Requests::register);
    }
    // The filter goes in now, so that no class loads unseen. It judges classes by the names the
    // build wrote into the jar, at once; what it hands on waits for the weaver, built on a thread
    // of its own.
    WantedNames inJar = WantedNames.fromJar();
    CompletableFuture<WantedNames> wanted =
        inJar != null ? CompletableFuture.completedFuture(inJar) : new CompletableFuture<>();
    CompletableFuture<ClassFileTransformer> weaver = new CompletableFuture<>();
    // What only requests need goes in on the builder's thread too, after the weaver of the
    // application's classes, which the application's first servlet, pool or driver waits for:
    // the operator's route controls, the cancellers, the watchdog and the shutdown hook (in
    // premain, with the classes they load, they held every start for 15-25 ms), then the JDK's
    // executors, woven so that no request hands a task to one that does not carry its context yet
    // (redefining them takes 20-40 ms). Requests wait for all that.
    CompletableFuture<Void> readyForRequests = new CompletableFuture<>();
    // Set before the builder starts: the filter knows the builder's thread, the builder the filter.
    SuperTypeFilter[] filter = {null};
    RequestLifecycle.expect(
        readyForRequests,
        BUILD_WAIT_NANOS,
        "sqlorigin's request handling (route controls, cancellation, the JDK's executors woven) was"
            + " not ready in time; requests go on without waiting for it, and until it is they may"
            + " miss route blocks and cancellation, and the tasks they hand to executors carry"
            + " nothing");
    boolean disconnects = Watchdog.detectsDisconnects(config);
    Runnable buildWeaver =
        () -> {
          long building = System.nanoTime();
          // First: before the filter and the weaver are hot enough for C2.
          String noDirectives = CompilerDirectives.install(instrumentation);
          AgentLog.debug(
              noDirectives == null
                  ? "the class filter and the weaver are left to C1 (compiler directive added in "
                      + (System.nanoTime() - building) / 1_000_000
                      + " ms)"
                  : "no compiler directive for the class filter and the weaver: " + noDirectives);
          try {
            if (!wanted.isDone()) {
              wanted.complete(WantedNames.of(Instrumentations.ALL));
            }
            LoadedClasses loaded = LoadedClasses.open(instrumentation);
            filter[0].findLoadedClassesIn(loaded);
            weaver.complete(new Weaver(Instrumentations.ALL, loaded));
            AgentLog.debug(
                "instrumentation ready in " + (System.nanoTime() - building) / 1_000_000 + " ms");
          } catch (Throwable t) {
            wanted.completeExceptionally(t);
            weaver.completeExceptionally(t);
            AgentLog.warnOnce(
                "weaver",
                "sqlorigin could not build its instrumentation; the application runs without it",
                t);
          }
          try {
            if (weaver.isDone() && !weaver.isCompletedExceptionally()) {
              ClassDefinitionsInstaller.install(instrumentation, filter[0]);
            }
          } catch (Throwable t) {
            AgentLog.warnOnce(
                "class-definitions",
                "sqlorigin could not move its weaving out of the JVM's class-load hook; it stays"
                    + " there",
                t);
          }
          try {
            installForRequests(config, disconnects);
          } catch (Throwable t) {
            AgentLog.warnOnce(
                "requests",
                "sqlorigin could not install its request handling; requests are tagged, but"
                    + " neither route controls nor cancellation apply to them",
                t);
          }
          try {
            // A platform MBean server created meanwhile gets the agent's MBean then.
            if (!JdkClassesInstaller.install(instrumentation, jdkMethodHooks(config))
                && config.jmx()) {
              // ManagementFactory is not woven: the MBean goes in now, creating the server.
              PlatformMBeanServers.createServer();
            }
          } catch (Throwable t) {
            AgentLog.warnOnce(
                "jdk-classes",
                "sqlorigin could not weave the JDK's executors; tasks handed to them carry no"
                    + " request context",
                t);
          } finally {
            readyForRequests.complete(null);
          }
        };
    // Building the instrumentations and the weaver (loading their classes and ASM's) is done
    // beside the application's own start, which reaches a
    // class to change (a servlet, a JDBC driver) later than that, or waits for it. Not when the
    // system class loader serialises its loading: it loads the agent's classes, and a class waiting
    // for the weaver would hold its lock.
    boolean beside = ClassLoader.getSystemClassLoader().isRegisteredAsParallelCapable();
    Thread builder = beside ? new Thread(buildWeaver, "sqlorigin-init") : Thread.currentThread();
    // In front of the weaver, to keep it from parsing the classes that cannot match. In the JVM's
    // class-load hook until the weaver is built (registered without retransformation: the
    // application's classes are changed as they load), in ClassLoader.defineClass after that.
    filter[0] =
        new SuperTypeFilter(
            weaver, wanted, BUILD_WAIT_NANOS, AgentInstaller.class.getClassLoader(), builder);
    instrumentation.addTransformer(filter[0]);
    if (beside) {
      builder.setDaemon(true);
      builder.start();
    } else {
      buildWeaver.run();
    }
    // Only when asked for: the SDK's classes are not even loaded otherwise. Built beside the
    // application's start, like the weaver: building it loads some 1,900 classes (the SDK's, the
    // JDK's HTTP client and its TLS), ~0.6 s of CPU that held the main thread. A request that
    // starts before it is ready waits for it, so that none is missing from the traces.
    boolean otel = OtelActivation.requested(System.getProperties(), System.getenv());
    if (otel) {
      CompletableFuture<Void> telemetry = new CompletableFuture<>();
      RequestLifecycle.expect(
          telemetry,
          BUILD_WAIT_NANOS,
          "sqlorigin's telemetry was not ready in time; requests go on without waiting for it, and"
              + " those served until it is are not in it");
      Thread telemetryBuilder =
          new Thread(
              () -> {
                try {
                  OtelTelemetry.install(config);
                } finally {
                  telemetry.complete(null);
                }
              },
              "sqlorigin-otel");
      telemetryBuilder.setDaemon(true);
      telemetryBuilder.start();
    }
    if (config.jmx()) {
      if (jmxStartedWithJvm()) {
        // The JDK's JMX agent creates the server now, and clients connect as soon as its port is
        // open: registered at once, beside the start, not when the JDK's classes are woven.
        Thread jmx = new Thread(PlatformMBeanServers::createServer, "sqlorigin-jmx");
        jmx.setDaemon(true);
        jmx.start();
      }
    }
    // The time the application's start waited for us; the instrumentation is built beside it.
    AgentLog.info(
        "sqlorigin "
            + version
            + " started in "
            + (System.nanoTime() - began) / 1_000_000
            + " ms: "
            + config
            + (otel ? " opentelemetry=on" : "")
            + (config.cancelOnDisconnect() && !disconnects
                ? " (client-disconnect detection unavailable: no readable tcp or tcp6 in "
                    + config.tcpTables()
                    + ")"
                : "")
            + (jarName != null
                ? " (the jar is not named "
                    + jarName
                    + ": its core was added to the bootstrap class path late, hence the JVM's"
                    + " class-sharing warning; keep the name to avoid it)"
                : ""));
  }

  /**
   * What requests need and the application's start does not, installed before the first request
   * (which waits for it): a JVM starting during an incident serves it under the fleet's blocks.
   */
  private static void installForRequests(Config config, boolean disconnects) {
    Controls.install(config);
    Cancels.install(new JdbcStatementCanceller());
    ApplicationName.installLabeler(new JdbcApplicationName());
    BackendPid.install(new JdbcBackendPid());
    StatementText.install(new JdbcStatementText());
    Watchdog.start(config, disconnects);
    if (config.cancelOnShutdown()) {
      ShutdownCanceller.install(config.shutdownTimeout().toNanos());
    }
  }

  /** Whether the JVM starts its own JMX agent ({@code -Dcom.sun.management.jmxremote.port=...}). */
  private static boolean jmxStartedWithJvm() {
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("com.sun.management.jmxremote")) {
        return true;
      }
    }
    return false;
  }

  /** The calls woven into the JDK's classes, which are redefined with them. */
  private static List<JdkMethodHook> jdkMethodHooks(Config config) {
    List<JdkMethodHook> jdk = new ArrayList<>(ThreadsInstrumentationModule.jdkMethodHooks());
    if (config.jmx()) {
      jdk.add(PlatformMBeanServerInstrumentation.HOOK);
    }
    return jdk;
  }
}
