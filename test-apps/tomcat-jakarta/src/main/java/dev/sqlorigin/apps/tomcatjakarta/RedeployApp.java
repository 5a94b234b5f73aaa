package dev.sqlorigin.apps.tomcatjakarta;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat 11 that deploys a web application ({@link RedeployedServlet} and its own pgjdbc,
 * each deployment in a class loader of its own) and undeploys it on request, as an application
 * server does on a redeploy: {@code RedeployApp <jdbc url>}. {@code /admin/deploy}, {@code
 * /admin/undeploy}; {@code /admin/leaks} collects garbage and says how many undeployed
 * applications' class loaders are still reachable.
 */
public final class RedeployApp {

  private static final String CONTEXT = "/app";

  private final Tomcat tomcat;
  private final Path webapp;
  private final List<WeakReference<ClassLoader>> undeployed = new ArrayList<>();
  private Context deployed;

  private RedeployApp(Tomcat tomcat, Path webapp) {
    this.tomcat = tomcat;
    this.webapp = webapp;
  }

  public static void main(String[] args) throws Exception {
    Tomcat tomcat = new Tomcat();
    tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    // Where the web application's servlet finds its database.
    System.setProperty(RedeployedServlet.JDBC_URL, args[0]);
    RedeployApp app = new RedeployApp(tomcat, webapp());
    Context admin = tomcat.addContext("/admin", null);
    Tomcat.addServlet(admin, "admin", app.new Admin());
    admin.addServletMappingDecoded("/*", "admin");
    tomcat.start();
    System.out.println("listening on port " + connector.getLocalPort());
    tomcat.getServer().await();
  }

  /**
   * The web application's directory: its servlet's class file under WEB-INF/classes and pgjdbc in
   * WEB-INF/lib, copied from this application's class path. Tomcat's loader looks there first, so
   * every deployment loads them anew.
   */
  private static Path webapp() throws IOException, java.net.URISyntaxException {
    Path root = Files.createTempDirectory("redeployed");
    String servlet = RedeployedServlet.class.getName().replace('.', '/') + ".class";
    Path classFile = root.resolve("WEB-INF/classes").resolve(servlet);
    Files.createDirectories(classFile.getParent());
    try (InputStream in = RedeployApp.class.getClassLoader().getResourceAsStream(servlet)) {
      Files.copy(in, classFile);
    }
    Path lib = Files.createDirectories(root.resolve("WEB-INF/lib"));
    Path pgjdbc =
        Paths.get(
            org.postgresql.Driver.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    Files.copy(pgjdbc, lib.resolve("postgresql.jar"));
    return root;
  }

  private synchronized String deploy() {
    Context context = tomcat.addContext(CONTEXT, webapp.toString());
    Tomcat.addServlet(context, "redeployed", RedeployedServlet.class.getName());
    context.addServletMappingDecoded("/*", "redeployed");
    deployed = context;
    return "deployed=" + context.getLoader().getClassLoader() + "\n";
  }

  private synchronized String undeploy() {
    ClassLoader loader = deployed.getLoader().getClassLoader();
    tomcat.getHost().removeChild(deployed);
    deployed = null;
    undeployed.add(new WeakReference<>(loader));
    return "undeployed=" + undeployed.size() + "\n";
  }

  /** Collects garbage until every undeployed loader is gone, 20 s at most; reports the rest. */
  private synchronized String leaks() throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    int kept;
    do {
      System.gc();
      kept = 0;
      for (WeakReference<ClassLoader> loader : undeployed) {
        kept += loader.get() == null ? 0 : 1;
      }
      if (kept > 0) {
        Thread.sleep(100); // let reference processing and cleaners run
      }
    } while (kept > 0 && System.nanoTime() < deadline);
    return "undeployed=" + undeployed.size() + "\nkept=" + kept + "\n";
  }

  private final class Admin extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String answer;
      try {
        switch (request.getPathInfo()) {
          case "/deploy":
            answer = deploy();
            break;
          case "/undeploy":
            answer = undeploy();
            break;
          case "/leaks":
            answer = leaks();
            break;
          default:
            response.sendError(404);
            return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        response.sendError(503);
        return;
      }
      response.setContentType("text/plain;charset=utf-8");
      response.getWriter().write(answer);
    }
  }
}
