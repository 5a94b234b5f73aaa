package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Core reaches the bootstrap class path through the manifest's {@code Boot-Class-Path}, as the JVM
 * starts: class-data sharing stays on for every class loader, so the JVM prints no warning. A jar
 * renamed or copied under another name still works, with core appended from premain and the JVM's
 * warning explained.
 */
class BootClassPathTest {

  private static final String SHARING_WARNING = "Sharing is only supported for boot loader classes";

  @TempDir Path temp;

  @Test
  void theAgentUnderItsOwnNameLeavesClassSharingOnAndTags() throws Exception {
    try (AppProcess app = start(AppProcess.agentJar())) {
      assertTagged(app);
      assertFalse(app.output().contains(SHARING_WARNING), app.output());
      List<String> lines = app.agentLines();
      assertEquals(1, lines.size(), String.join("\n", lines));
      assertFalse(lines.get(0).contains("is not named"), lines.get(0));
    }
  }

  @Test
  void aRenamedJarStillTagsAndSaysWhyTheJvmWarns() throws Exception {
    Path renamed = Files.copy(AppProcess.agentJar(), temp.resolve("sqlorigin-agent-0.1.0.jar"));
    try (AppProcess app = start(renamed)) {
      assertTagged(app);
      List<String> lines = app.agentLines();
      assertEquals(1, lines.size(), String.join("\n", lines));
      assertTrue(lines.get(0).contains("(the jar is not named sqlorigin-agent.jar:"), lines.get(0));
    }
  }

  private static AppProcess start(Path agentJar) throws Exception {
    return AppProcess.main(JakartaApp.class)
        .agentJar(agentJar)
        .args(TestDatabase.get().jdbcUrlWithCredentials())
        .start();
  }

  private static void assertTagged(AppProcess app) throws Exception {
    Http.Response response = Http.get(app.port(), "/shop/probe/prepared");
    assertEquals(200, response.status());
    String sent = response.values("sent").get(0);
    assertTrue(sent.startsWith("/*sqlorigin route="), sent);
  }
}
