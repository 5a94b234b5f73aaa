package dev.sqlorigin.agent;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.isBootstrapClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isExtensionClassLoader;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.agent.cancel.Requests;
import dev.sqlorigin.agent.cancel.ShutdownCanceller;
import dev.sqlorigin.agent.cancel.Watchdog;
import dev.sqlorigin.agent.otel.OtelActivation;
import dev.sqlorigin.agent.otel.OtelTelemetry;
import dev.sqlorigin.cancel.ActiveRequests;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.label.ApplicationName;
import dev.sqlorigin.instrumentation.jdbc.DataSourceInstrumentation;
import dev.sqlorigin.instrumentation.jdbc.JdbcApplicationName;
import dev.sqlorigin.instrumentation.jdbc.JdbcStatementCanceller;
import dev.sqlorigin.instrumentation.jdbc.ConnectionInstrumentation;
import dev.sqlorigin.instrumentation.jdbc.StatementInstrumentation;
import dev.sqlorigin.instrumentation.servlet.jakarta.JakartaAsyncContextInstrumentation;
import dev.sqlorigin.instrumentation.jaxrs.JerseyInstrumentation;
import dev.sqlorigin.instrumentation.servlet.jakarta.JakartaServletInstrumentation;
import dev.sqlorigin.instrumentation.servlet.javax.JavaxAsyncContextInstrumentation;
import dev.sqlorigin.instrumentation.servlet.javax.JavaxServletInstrumentation;
import dev.sqlorigin.instrumentation.jobs.SqlOriginApiInstrumentation;
import dev.sqlorigin.instrumentation.spring.SpringMvcInstrumentation;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.ByteBuddy;
import java.util.List;
import java.util.stream.Stream;
import net.bytebuddy.agent.builder.AgentBuilder;

import net.bytebuddy.dynamic.scaffold.TypeValidation;

/** Reads the settings, wires logging and installs the instrumentations. Runs once, from premain. */
public final class AgentInstaller {

  private AgentInstaller() {
  }

  public static void install(Instrumentation instrumentation) {
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
    Sqlorigin.configure(config);
    ActiveRequests.installCanceller(new JdbcStatementCanceller());
    ApplicationName.installLabeler(new JdbcApplicationName());
    // Only when asked for: the SDK's classes are not even loaded otherwise.
    boolean otel = OtelActivation.requested(System.getProperties(), System.getenv())
        && OtelTelemetry.install(config);
    ClassFileTransformer byteBuddy = agentBuilder()
        .type(ConnectionInstrumentation.types()).transform(ConnectionInstrumentation.transformer())
        .type(StatementInstrumentation.types()).transform(StatementInstrumentation.transformer())
        .type(DataSourceInstrumentation.types()).transform(DataSourceInstrumentation.transformer())
        .type(JakartaServletInstrumentation.types()).transform(JakartaServletInstrumentation.transformer())
        .type(JavaxServletInstrumentation.types()).transform(JavaxServletInstrumentation.transformer())
        .type(JakartaAsyncContextInstrumentation.types()).transform(JakartaAsyncContextInstrumentation.transformer())
        .type(JavaxAsyncContextInstrumentation.types()).transform(JavaxAsyncContextInstrumentation.transformer())
        .type(SqlOriginApiInstrumentation.types()).transform(SqlOriginApiInstrumentation.transformer())
        // Framework route templates refine the servlet route once the framework has matched one.
        .type(SpringMvcInstrumentation.types()).transform(SpringMvcInstrumentation.transformer())
        .type(JerseyInstrumentation.types()).transform(JerseyInstrumentation.transformer())
        .makeRaw();
    // Registered as Byte Buddy's installOn would (no retransformation), behind the filter that
    // keeps it from parsing the classes that cannot match.
    instrumentation.addTransformer(new SuperTypeFilter(byteBuddy, Stream.of(ConnectionInstrumentation.SUPER_TYPES,
        StatementInstrumentation.SUPER_TYPES, DataSourceInstrumentation.SUPER_TYPES,
        JakartaServletInstrumentation.SUPER_TYPES, JavaxServletInstrumentation.SUPER_TYPES,
        JakartaAsyncContextInstrumentation.SUPER_TYPES, JavaxAsyncContextInstrumentation.SUPER_TYPES)
        .flatMap(List::stream).toList(),
        List.of(SqlOriginApiInstrumentation.NAME, SpringMvcInstrumentation.NAME, JerseyInstrumentation.NAME)));
    JdkClassesInstaller.install(instrumentation);
    boolean disconnects = Watchdog.start(config);
    if (config.cancelOnShutdown()) {
      ShutdownCanceller.install(config.shutdownTimeoutNanos());
    }
    if (config.jmx()) {
      // The platform MBean server costs ~70 ms of class loading: not on the application's start-up path.
      Thread jmx = new Thread(() -> {
        try {
          Requests.register();
        } catch (Exception e) {
          AgentLog.warnOnce("jmx", "the JMX MBean " + Requests.NAME + " is not available", e);
        }
      }, "sqlorigin-jmx");
      jmx.setDaemon(true);
      jmx.start();
    }
    AgentLog.info("sqlorigin " + version + " started: " + config + (otel ? " opentelemetry=on" : "")
        + (config.cancelOnDisconnect() && !disconnects ? " (client-disconnect detection unavailable: no /proc/net/tcp)" : ""));
  }

  static AgentBuilder agentBuilder() {
    // Our advice is known to be valid: skipping Byte Buddy's validation of every transformed type
    // shortens start-up.
    return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
        // Advice only adds code inside existing methods: no new members, no class format changes.
        .disableClassFormatChanges()
        // Decorate rather than rebase: the class keeps its shape and only its methods' code changes.
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        // Type descriptions come from class files, not from loading classes: matching must never
        // trigger class loading (and initialisation) in the application's class loaders.
        .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
        // ... read once per class loader, not once per class that has them as super types.
        .with(new TypePoolCache())
        // A failure to instrument one class is logged once per class, and the class loads unchanged.
        .with(new InstrumentationListener())
        // JDK classes are not ours to change, including the ones the JDK generates at run time in
        // other loaders (reflection accessors, jdk.proxyN.$Proxy) whose class files cannot be read;
        // the agent's own would recurse (only the agent's: applications may live under dev.sqlorigin).
        .ignore(any(), isBootstrapClassLoader().or(isExtensionClassLoader()))
        .or(nameStartsWith("dev.sqlorigin.agent.").or(nameStartsWith("dev.sqlorigin.instrumentation."))
            .or(nameStartsWith("dev.sqlorigin.shaded."))
            // The OpenTelemetry Java agent's own classes, when it is attached too: not application
            // code, and their types live in its own class loader, out of our type pool's sight.
            .or(nameStartsWith("io.opentelemetry.javaagent."))
            .or(nameStartsWith("java.")).or(nameStartsWith("jdk.")).or(nameStartsWith("sun."))
            .or(nameStartsWith("com.sun.")).or(isSynthetic()));
  }
}
