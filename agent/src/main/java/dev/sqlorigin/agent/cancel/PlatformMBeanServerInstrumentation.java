package dev.sqlorigin.agent.cancel;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.management.PlatformMBeanServers;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import net.bytebuddy.asm.Advice;

/**
 * {@code ManagementFactory.getPlatformMBeanServer()}: hands the platform MBean server to {@link
 * PlatformMBeanServers}, which registers the agent's MBean into it the first time, so the MBean
 * exists from the moment the server does and the agent never creates the server itself. A JDK
 * class, woven with the executors (by retransformation when it is already loaded).
 */
public final class PlatformMBeanServerInstrumentation {

  /** The class changed, and how. */
  public static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(
              PlatformMBeanServerInstrumentation.class, "java.lang.management.ManagementFactory")
          .advise(
              named("getPlatformMBeanServer").and(isStatic()).and(takesArguments(0)),
              ServerAdvice.class);

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

  public static class ServerAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.Return MBeanServer server) {
      PlatformMBeanServers.created(server);
    }
  }
}
