package dev.sqlorigin.management;

import dev.sqlorigin.log.AgentLog;
import java.lang.management.ManagementFactory;
import java.util.function.Consumer;
import javax.management.MBeanServer;

/**
 * Registers the agent's MBean into the JVM's platform MBean server when that server is created,
 * whoever creates it: the JDK's remote JMX agent, {@code jcmd ManagementAgent.start}, jconsole or a
 * JMX exporter attaching, the application itself. Creating the server costs 0.15–0.2 s of CPU (the
 * JDK's own MXBeans and their classes), which the agent paid at every start when it created the
 * server for its MBean, in JVMs that nobody reads over JMX.
 *
 * <p>The agent weaves {@code ManagementFactory.getPlatformMBeanServer()} to call {@link #created}
 * with what it returns. That method is {@code static synchronized}: the registration runs under its
 * lock, before its caller (the first one, which created the server) gets the server back, so no
 * reader sees that server without the MBean. (A server created before the method was woven, in the
 * agent's first half-second, gets the MBean when it is.) Once done, each call costs a volatile
 * read.
 */
public final class PlatformMBeanServers {

  // Null: nothing (more) to register.
  private static volatile Consumer<MBeanServer> pending;

  private PlatformMBeanServers() {}

  /** {@code registration} is applied once, to the platform MBean server, when there is one. */
  public static void install(Consumer<MBeanServer> registration) {
    pending = registration;
  }

  /**
   * Creates the platform MBean server, if nothing has yet, and registers into it: for when the
   * server is created with the JVM anyway (its JMX agent started with it), or {@code
   * getPlatformMBeanServer} could not be woven.
   */
  public static void createServer() {
    created(ManagementFactory.getPlatformMBeanServer());
  }

  /**
   * The platform MBean server, as {@code getPlatformMBeanServer()} returns it: registers what was
   * installed, the first time. A failure is said once and never reaches the caller.
   */
  public static void created(MBeanServer server) {
    if (pending == null || server == null) {
      return;
    }
    Consumer<MBeanServer> registration;
    synchronized (PlatformMBeanServers.class) {
      registration = pending;
      pending = null;
    }
    if (registration == null) {
      return;
    }
    try {
      registration.accept(server);
    } catch (Throwable t) {
      AgentLog.warnOnce("jmx", "sqlorigin's JMX MBean is not available", t);
    }
  }
}
