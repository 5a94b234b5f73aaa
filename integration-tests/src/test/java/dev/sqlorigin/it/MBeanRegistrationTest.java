package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.Jmx;
import dev.sqlorigin.testing.TestDatabase;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/**
 * The agent's MBean is registered when something creates the JVM's platform MBean server, and the
 * agent does not create that server itself: creating it costs 0.1–0.2 s of CPU at start-up, for
 * JVMs nobody reads over JMX. (The tests that open remote JMX with the JVM, such as {@link
 * OperatorCancellationTest}, and the probe's in-process reads cover the server created at start and
 * by the application.)
 */
class MBeanRegistrationTest {

  private static final String SERVER_CLASS = "com.sun.jmx.mbeanserver.JmxMBeanServer";

  @Test
  void noPlatformMBeanServerIsCreatedAndTheMBeanIsThereWhenAnOperatorAttaches() throws Exception {
    // Spring Boot on Tomcat creates no MBean server of its own (Jetty 12 does, to read the memory
    // pools: the agent's MBean then goes into that one, as the JMX tests show).
    try (AppProcess app =
        AppProcess.testApp("spring-boot3", "dev.sqlorigin.apps.spring.PetsApplication")
            .property(Config.LOG_LEVEL, "debug")
            .args(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.datasource.url=" + TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      // Logged once the JDK's classes are woven, ManagementFactory among them when it loads.
      app.awaitAgentLine("instrumentation ready in");
      Http.Response served = Http.get(app.port(), "/petclinic/owners/1");
      assertEquals(200, served.status(), served.body());
      long pid = app.process().pid();

      String histogram = app.jcmd("GC.class_histogram");
      assertTrue(histogram.contains("java.lang.String "), histogram);
      assertFalse(
          histogram.contains(SERVER_CLASS),
          "the agent created the platform MBean server: " + grep(histogram, SERVER_CLASS));

      // As jconsole or `jcmd ManagementAgent.start_local` do: the JDK creates the server now.
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
        MBeanServerConnection server = connector.getMBeanServerConnection();
        ObjectName requests = new ObjectName(Jmx.REQUESTS);
        assertTrue(server.isRegistered(requests), "no " + Jmx.REQUESTS + " once the server exists");
        assertEquals(0, server.getAttribute(requests, "StatementsInFlight"));
      }
      assertTrue(app.jcmd("GC.class_histogram").contains(SERVER_CLASS));
    }
  }

  private static String grep(String text, String fragment) {
    return text.lines()
        .filter(line -> line.contains(fragment))
        .reduce((a, b) -> a + "\n" + b)
        .orElse("");
  }
}
