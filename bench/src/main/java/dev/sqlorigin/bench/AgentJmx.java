package dev.sqlorigin.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The agent's MBean ({@code dev.sqlorigin:type=Requests}) and the JVM's memory of an application
 * under test, read from outside as an operator would: the attach API starts the JVM's local JMX
 * agent, no port is opened.
 */
final class AgentJmx implements AutoCloseable {

  private static final ObjectName REQUESTS = objectName("dev.sqlorigin:type=Requests");

  private final JMXConnector connector;
  private final MBeanServerConnection server;

  private AgentJmx(JMXConnector connector) throws IOException {
    this.connector = connector;
    this.server = connector.getMBeanServerConnection();
  }

  static AgentJmx attach(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    try {
      String address = vm.startLocalManagementAgent();
      return new AgentJmx(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    } finally {
      vm.detach();
    }
  }

  /** Requests being served, as the MBean lists them. */
  int requests() throws Exception {
    return ((String[]) server.getAttribute(REQUESTS, "Requests")).length;
  }

  int statementsInFlight() throws Exception {
    return (Integer) server.getAttribute(REQUESTS, "StatementsInFlight");
  }

  int connectionWaits() throws Exception {
    return (Integer) server.getAttribute(REQUESTS, "ConnectionWaits");
  }

  /** A full collection, then the heap in use, in bytes. */
  long heapAfterFullGc() throws IOException {
    MemoryMXBean memory =
        ManagementFactory.newPlatformMXBeanProxy(
            server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }

  private static ObjectName objectName(String name) {
    try {
      return new ObjectName(name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
