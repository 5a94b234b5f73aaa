package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/** An operator lists the requests in flight over JMX and cancels one by ID, another by route. */
class OperatorCancellationTest {

  @Test
  void operatorListsAndCancelsByRequestIdAndByRoute() throws Exception {
    int jmxPort = freePort();
    try (AppProcess app =
            withJmx(CancellationTest.withIdInComment(AppProcess.main(JakartaApp.class)), jmxPort)
                .args(TestDatabase.get().jdbcUrlWithCredentials())
                .start();
        JMXConnector connector = connectJmx(jmxPort)) {
      MBeanServerConnection server = connector.getMBeanServerConnection();

      CompletableFuture<Http.Response> byId = slow(app, "op-1");
      CompletableFuture<Http.Response> byRoute = slow(app, "op-2");
      PgActivity.awaitRunning("request_id='op-", 2, 30_000);
      String[] listed = (String[]) server.getAttribute(REQUESTS, "Requests");
      assertEquals(2, listed.length, String.join("\n", listed));
      assertTrue(listed[0].startsWith("GET /shop/probe/cancellable/sleep | op-"), listed[0]);

      assertEquals(
          1,
          server.invoke(
              REQUESTS, "cancelRequest", new Object[] {"op-1"}, new String[] {"java.lang.String"}));
      assertTrue(
          byId.join()
              .values("error")
              .get(0)
              .contains(
                  "op-1 (GET /shop/probe/cancellable/sleep) abandoned: cancelled by an operator"));
      assertEquals(
          1,
          PgActivity.running("request_id='op-2'"),
          "cancelling by ID must leave the other request alone");

      assertEquals(
          1,
          server.invoke(
              REQUESTS,
              "cancelRoute",
              new Object[] {"GET /shop/probe/cancellable/sleep"},
              new String[] {"java.lang.String"}));
      assertTrue(byRoute.join().values("error").get(0).contains("op-2"));
      PgActivity.awaitRunning("request_id='op-", 0, 10_000);

      TabularData counts = (TabularData) server.getAttribute(REQUESTS, "AbandonedByReason");
      CompositeData operator = counts.get(new Object[] {"operator"});
      assertEquals(2L, operator.get("value"));
      assertEquals(2L, server.getAttribute(REQUESTS, "StatementsCancelled"));
    }
  }

  static final ObjectName REQUESTS = requestsName();

  static int freePort() throws java.io.IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    }
  }

  /** {@code app} with a remote JMX port of its own, on the loopback, without authentication. */
  static AppProcess.Builder withJmx(AppProcess.Builder app, int jmxPort) {
    return app.property("com.sun.management.jmxremote.port", String.valueOf(jmxPort))
        .property("com.sun.management.jmxremote.rmi.port", String.valueOf(jmxPort))
        .property("com.sun.management.jmxremote.host", "127.0.0.1")
        .property("java.rmi.server.hostname", "127.0.0.1")
        .property("com.sun.management.jmxremote.authenticate", "false")
        .property("com.sun.management.jmxremote.ssl", "false");
  }

  /** An operator's JMX connection to the application started {@link #withJmx}. */
  static JMXConnector connectJmx(int jmxPort) throws java.io.IOException {
    return JMXConnectorFactory.connect(
        new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi"));
  }

  private static ObjectName requestsName() {
    try {
      return new ObjectName("dev.sqlorigin:type=Requests");
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<Http.Response> slow(AppProcess app, String id) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Http.get(
                app.port(), "/shop/probe/cancellable/sleep?seconds=60", "X-Request-Id: " + id);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }
}
