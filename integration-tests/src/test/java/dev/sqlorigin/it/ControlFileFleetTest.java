package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One control file for a fleet, as the Kubernetes recipe sets it up: two sample apps attached
 * through {@code JAVA_TOOL_OPTIONS} alone, configured by environment variables, reading one file. A
 * change reaches both within 2 s; a malformed file changes nothing and is said once.
 */
class ControlFileFleetTest {

  @TempDir Path directory;

  private AppProcess start(Path controlFile) throws Exception {
    return AppProcess.jar(AppProcess.sampleAppJar())
        .withoutAgent()
        .env("JAVA_TOOL_OPTIONS", "-javaagent:" + AppProcess.agentJar().toAbsolutePath())
        .env(Config.environmentName(Config.CONTROL_FILE), controlFile.toString())
        .env(Config.environmentName(Config.COMMENT_FIELDS), "route,request_id")
        .args("--port=0", "--database-url=" + TestDatabase.get().jdbcUrlWithCredentials())
        .start();
  }

  /** Replaces the file as a ConfigMap update or an editor does: a new file moved in place. */
  private void write(Path file, String content) throws Exception {
    Path next = directory.resolve("control.properties.next");
    Files.writeString(next, content, StandardCharsets.UTF_8);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void aChangeReachesEveryJvmWithinTwoSecondsAndAMalformedOneChangesNothing() throws Exception {
    Path file = directory.resolve("control.properties");
    write(file, "# nothing blocked yet\nroutes.blocked=none\n");
    try (AppProcess first = start(file);
        AppProcess second = start(file)) {
      for (AppProcess app : List.of(first, second)) {
        assertEquals(200, importStatus(app, "before"));
      }

      write(file, "routes.blocked=POST /api/imports\n");
      long written = System.nanoTime();
      for (AppProcess app : List.of(first, second)) {
        awaitImportStatus(app, 503, written);
        assertTrue(
            agentLines(
                        app,
                        "control file "
                            + file
                            + " changed: routes.blocked: none -> POST /api/imports")
                    .size()
                == 1,
            app.output());
      }
      // Refused before the handler: nothing reached the database.
      for (AppProcess app : List.of(first, second)) {
        Http.Response refused =
            Http.post(app.port(), "/api/imports?seconds=0", "X-Request-Id: fleet-blocked");
        assertEquals(503, refused.status());
        assertEquals("60", refused.header("Retry-After"));
        assertTrue(
            refused.body().contains("(rule 'POST /api/imports', control file)"), refused.body());
      }
      assertEquals(List.of(), List.copyOf(PgActivity.queries("request_id='fleet-blocked'")));

      // A malformed file: each JVM says why, once, and keeps the block.
      write(file, "routes.blocked=POST /api/imports\nroutes.max-concurrent=POST /api/imports=0\n");
      for (AppProcess app : List.of(first, second)) {
        awaitLine(app, "is malformed: routes.max-concurrent=");
      }
      for (AppProcess app : List.of(first, second)) {
        assertEquals(503, importStatus(app, "still-blocked"));
        List<String> malformed = agentLines(app, "is malformed");
        assertEquals(1, malformed.size(), String.join("\n", malformed));
        assertTrue(
            malformed
                .get(0)
                .endsWith(
                    "the limit of POST /api/imports is 0: a cap must let at least 1 request through"
                        + " (to refuse them all, block the route); expected a comma-separated list"
                        + " of route=limit (POST /api/imports=2), or none; keeping the last good"
                        + " state"),
            malformed.get(0));
      }

      write(file, "routes.blocked=none\n");
      written = System.nanoTime();
      for (AppProcess app : List.of(first, second)) {
        awaitImportStatus(app, 200, written);
      }
    }
  }

  private static int importStatus(AppProcess app, String requestId) throws Exception {
    return Http.post(app.port(), "/api/imports?seconds=0", "X-Request-Id: " + requestId).status();
  }

  /** Polls the import route until it answers {@code status}; fails if that took over 2 s. */
  private static void awaitImportStatus(AppProcess app, int status, long since) throws Exception {
    int seen;
    do {
      seen = importStatus(app, "fleet-probe");
      if (seen == status) {
        long took = (System.nanoTime() - since) / 1_000_000;
        assertTrue(took <= 2_000, "the change took " + took + " ms to apply\n" + app.output());
        return;
      }
      Thread.sleep(20); // poll interval of the awaited condition
    } while (System.nanoTime() - since < 10_000_000_000L);
    fail("the import route still answered " + seen + " after 10 s\n" + app.output());
  }

  private static void awaitLine(AppProcess app, String fragment) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (agentLines(app, fragment).isEmpty()) {
      if (System.nanoTime() > deadline) {
        fail("no agent line with '" + fragment + "' within 10 s\n" + app.output());
      }
      Thread.sleep(20); // poll interval of the awaited condition
    }
  }

  private static List<String> agentLines(AppProcess app, String fragment) {
    return app.agentLines().stream()
        .filter(line -> line.contains(fragment))
        .collect(Collectors.toList());
  }
}
