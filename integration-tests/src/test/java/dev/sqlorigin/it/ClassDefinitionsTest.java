package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.apps.ClassDefiningApp;
import dev.sqlorigin.it.support.AppProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Once its weaver is built, the agent weaves the classes the application defines from {@code
 * ClassLoader.defineClass}, with the JVM's class-load hook off, whichever way the class file comes
 * (a slice of an array, a direct buffer), and a class whose super class's class file nobody serves,
 * once that super class is loaded. When the JVM may load the application's classes from an archive,
 * which {@code defineClass} never sees, the JVM's hook stays, and still weaves.
 */
class ClassDefinitionsTest {

  @Test
  void classesDefinedAfterStartAreWovenWithTheJvmsHookOff() throws Exception {
    // The JVM verifies the redefined ClassLoader then, as it does not for its own classes.
    try (AppProcess app =
        start(
            AppProcess.main(ClassDefiningApp.class)
                .env(
                    "JAVA_TOOL_OPTIONS",
                    "-XX:+UnlockDiagnosticVMOptions -XX:+BytecodeVerificationLocal"))) {
      assertTrue(app.output().contains("the JVM's class-load hook is off"), app.output());
      assertWovenEveryWay(app);
    }
  }

  @Test
  void anArchiveOfTheApplicationsClassesKeepsTheJvmsHookWeaving() throws Exception {
    // The JDK's own archive, named: the option is what the agent reads.
    Path archive = Paths.get(AppProcess.javaHome(), "lib", "server", "classes.jsa");
    assertTrue(Files.isRegularFile(archive), "this JDK has no default archive: " + archive);
    try (AppProcess app =
        start(
            AppProcess.main(ClassDefiningApp.class)
                .env("JAVA_TOOL_OPTIONS", "-XX:SharedArchiveFile=" + archive))) {
      assertTrue(
          app.output()
              .contains(
                  "classes are woven from the JVM's class-load hook: classes may load from"
                      + " an archive (-XX:SharedArchiveFile="),
          app.output());
      assertWovenEveryWay(app);
    }
  }

  private static AppProcess start(AppProcess.Builder builder) throws Exception {
    AppProcess app = builder.property("sqlorigin.log.level", "debug").start();
    assertTrue(app.process().waitFor(60, TimeUnit.SECONDS), app.output());
    return app;
  }

  private static void assertWovenEveryWay(AppProcess app) {
    assertTrue(app.output().contains("array slice woven: true"), app.output());
    assertTrue(app.output().contains("direct buffer woven: true"), app.output());
    assertTrue(app.output().contains("subclass of a loaded super class woven: true"), app.output());
  }
}
