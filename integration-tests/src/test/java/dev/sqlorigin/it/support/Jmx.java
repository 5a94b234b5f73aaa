package dev.sqlorigin.it.support;

import java.io.IOException;
import java.net.ServerSocket;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The agent's MBean ({@code dev.sqlorigin:type=Requests}) in an application under test, reached as
 * an operator would: over remote JMX on a loopback port of its own.
 */
public final class Jmx implements AutoCloseable {

  public static final String REQUESTS = "dev.sqlorigin:type=Requests";

  private final JMXConnector connector;
  private final MBeanServerConnection server;
  private final ObjectName requests;

  private Jmx(JMXConnector connector) throws Exception {
    this.connector = connector;
    this.server = connector.getMBeanServerConnection();
    this.requests = new ObjectName(REQUESTS);
  }

  /** A free loopback port for the application's JMX connector. */
  public static int freePort() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  /** Opens remote JMX, without authentication, on {@code port} of the loopback interface. */
  public static AppProcess.Builder enable(AppProcess.Builder app, int port) {
    return app.property("com.sun.management.jmxremote.port", String.valueOf(port))
        .property("com.sun.management.jmxremote.rmi.port", String.valueOf(port))
        .property("com.sun.management.jmxremote.host", "127.0.0.1")
        .property("java.rmi.server.hostname", "127.0.0.1")
        .property("com.sun.management.jmxremote.authenticate", "false")
        .property("com.sun.management.jmxremote.ssl", "false");
  }

  public static Jmx connect(int port) throws Exception {
    return new Jmx(
        JMXConnectorFactory.connect(
            new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi")));
  }

  public MBeanServerConnection server() {
    return server;
  }

  public Object attribute(String name) throws Exception {
    return server.getAttribute(requests, name);
  }

  /** Invokes an operation that takes one string. */
  public Object invoke(String operation, String argument) throws Exception {
    return server.invoke(
        requests, operation, new Object[] {argument}, new String[] {"java.lang.String"});
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}
