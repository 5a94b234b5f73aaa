package dev.sqlorigin.agent.cancel;

import static dev.sqlorigin.instrumentation.JdkMethodHook.seeReturn;
import static dev.sqlorigin.instrumentation.JdkMethodHook.staticMethods;

import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.management.PlatformMBeanServers;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;

/**
 * {@code ManagementFactory.getPlatformMBeanServer()}: hands the platform MBean server to {@link
 * PlatformMBeanServers}, which registers the agent's MBean into it the first time, so the MBean
 * exists from the moment the server does and the agent never creates the server itself. A JDK
 * class, woven with the executors (redefined, loaded first if it is not).
 */
public final class PlatformMBeanServerInstrumentation {

  /** The call woven: the server returned goes to {@link PlatformMBeanServers#created}. */
  public static final JdkMethodHook HOOK =
      seeReturn(
          staticMethods("java.lang.management.ManagementFactory", "getPlatformMBeanServer")
              .taking(0),
          MBeanServer.class,
          PlatformMBeanServers.class,
          "created");

  private PlatformMBeanServerInstrumentation() {}

  /**
   * Registers the MBean if the platform MBean server was created before {@code managementFactory},
   * loaded already, was woven (the JDK's remote JMX agent creates it while the agent is still
   * building its weavers). Under the class's lock, which {@code getPlatformMBeanServer} takes: no
   * creation is half done meanwhile, and one that comes later runs the woven method. The server's
   * creation adds it to {@link MBeanServerFactory#findMBeanServer}'s list, which tells without
   * creating it.
   */
  public static void registerIfCreated(Class<?> managementFactory) {
    synchronized (managementFactory) {
      if (!MBeanServerFactory.findMBeanServer(null).isEmpty()) {
        PlatformMBeanServers.createServer();
      }
    }
  }
}
