package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A web application redeployed 20 times in Tomcat under the agent, each deployment with its own
 * class loader and its own pgjdbc, woven there, its statements tagged, carried to another thread
 * and cancelled: once undeployed, no deployment's class loader may stay reachable, not even softly
 * (the JVM keeps soft references while memory is plentiful, as here).
 */
class WebappRedeployTest {

  private static final int DEPLOYMENTS = 20;

  @Test
  void everyUndeployedWebApplicationsClassLoaderIsCollected() throws Exception {
    try (AppProcess app =
        AppProcess.testApp("tomcat-jakarta", "dev.sqlorigin.apps.tomcatjakarta.RedeployApp")
            .property(Config.REQUEST_TIMEOUT, "10s")
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      for (int i = 0; i < DEPLOYMENTS; i++) {
        Http.getOk(app.port(), "/admin/deploy");
        String sent = Http.getOk(app.port(), "/app/query").values("sent").get(0);
        assertTrue(sent.startsWith("/*sqlorigin route='GET /app/query'*/"), sent);
        String carried = Http.getOk(app.port(), "/app/query?carried=true").values("sent").get(0);
        assertTrue(carried.startsWith("/*sqlorigin route='GET /app/query'*/"), carried);
        // Queued at the router 9.7 s already: 0.3 s of the budget is left for the 5 s sleep.
        long queued = System.currentTimeMillis() * 1000 - 9_700_000;
        assertEquals(
            List.of("error 57014"),
            Http.getOk(app.port(), "/app/sleep", "X-Request-Start: t=" + queued).values("sent"),
            "the sleep outlives its deadline");
        Http.getOk(app.port(), "/admin/undeploy");
      }
      Http.Response leaks = Http.getOk(app.port(), "/admin/leaks");
      assertEquals(List.of(String.valueOf(DEPLOYMENTS)), leaks.values("undeployed"));
      assertEquals(List.of("0"), leaks.values("kept"), "class loaders still reachable");
    }
  }
}
