package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The console ({@code cli/target/sqlorigin.jar}, in a JVM of its own) reads what the real agent
 * wrote into {@code pg_stat_activity}, in both of the agent's formats: the sample app under the
 * agent runs a slow import, and {@code sqlorigin activity --json} names its route and request.
 */
class ConsoleReadsTheAgentTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theConsoleNamesTheRouteAndRequestOfAgentTaggedStatementsInBothFormats() throws Exception {
    String url = TestDatabase.get().jdbcUrlWithCredentials();
    try (AppProcess readable =
            AppProcess.jar(AppProcess.sampleAppJar())
                .property("sqlorigin.request-id.application-name", "true")
                .args("--port=0", "--database-url=" + url + "&ApplicationName=shop-readable")
                .start();
        AppProcess commenter =
            AppProcess.jar(AppProcess.sampleAppJar())
                .property("sqlorigin.comment.format", "sqlcommenter")
                .property("sqlorigin.comment.fields", "route,request_id")
                .args("--port=0", "--database-url=" + url + "&ApplicationName=shop-commenter")
                .start()) {
      CompletableFuture<Http.Response> first = slowImport(readable, "console-1");
      CompletableFuture<Http.Response> second = slowImport(commenter, "console-2");

      JsonNode readableGroup = null;
      JsonNode commenterGroup = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      JsonNode activity = null;
      while ((readableGroup == null || commenterGroup == null) && System.nanoTime() < deadline) {
        activity = console("activity", url, "--json", "--route", "/api/imports", "--min-age", "0s");
        readableGroup = group(activity, "shop-readable");
        commenterGroup = group(activity, "shop-commenter");
      }
      if (readableGroup == null || commenterGroup == null) {
        fail("the imports never showed in the console within 60 s: " + activity);
      }
      assertEquals("POST /api/imports", readableGroup.get("origin").asText());
      assertEquals("sqlorigin", readableGroup.get("origin_source").asText());
      assertEquals(
          "console-1", readableGroup.get("sample_request_id").asText(), "from application_name");
      assertEquals(1, readableGroup.get("active").asInt());
      assertEquals("POST /api/imports", commenterGroup.get("origin").asText());
      assertEquals("sqlcommenter", commenterGroup.get("origin_source").asText());
      assertEquals(
          "console-2", commenterGroup.get("sample_request_id").asText(), "from the comment");

      // Stopping the applications cancels their statements (the agent's shutdown hook).
      readable.stop();
      commenter.stop();
      first.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
      second.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
    }
  }

  private static CompletableFuture<Http.Response> slowImport(AppProcess app, String requestId) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return Http.post(app.port(), "/api/imports?seconds=120", "X-Request-Id: " + requestId);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static JsonNode group(JsonNode activity, String application) {
    for (JsonNode group : activity.get("groups")) {
      if (group.get("application").asText().equals(application)) {
        return group;
      }
    }
    return null;
  }

  /** Runs the console jar; returns what it printed, as JSON. */
  private static JsonNode console(String... args) throws Exception {
    Path jar = Paths.get(System.getProperty("sqlorigin.cli.jar", "../cli/target/sqlorigin.jar"));
    if (!Files.isRegularFile(jar)) {
      fail("the console jar is missing (" + jar + "): run `./mvnw verify`, which builds it first");
    }
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    String[] command = new String[args.length + 3];
    command[0] = java;
    command[1] = "-jar";
    command[2] = jar.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    Process process = new ProcessBuilder(command).start();
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the console did not end");
    assertEquals(0, process.exitValue(), err);
    return JSON.readTree(out);
  }
}
