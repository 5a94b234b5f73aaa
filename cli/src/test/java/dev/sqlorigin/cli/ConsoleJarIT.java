package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.cli.support.Console;
import dev.sqlorigin.cli.support.JarProcess;
import dev.sqlorigin.cli.support.PasswordServer;
import dev.sqlorigin.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The executable jar as an operator gets it: one file, everything inside. */
class ConsoleJarIT {

  @Test
  void theJarCarriesARelocatedDriverAndThePage() throws Exception {
    try (JarFile jar = new JarFile(JarProcess.jar().toFile())) {
      assertNotNull(jar.getEntry("dev/sqlorigin/shaded/org/postgresql/Driver.class"));
      assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("org/postgresql/")));
      assertNotNull(jar.getEntry("dev/sqlorigin/comment/OriginComment.class"), "core's parser");
      for (String asset : new String[] {"index.html", "app.js", "app.css"}) {
        assertNotNull(jar.getEntry("dev/sqlorigin/cli/web/" + asset), asset);
      }
      assertEquals(
          "dev.sqlorigin.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    Console.Result help = JarProcess.run(Map.of(), "--help");
    assertEquals(0, help.exitCode(), help.toString());
    for (String command : new String[] {"activity", "locks", "cancel", "serve"}) {
      assertTrue(help.out().contains("  " + command + " "), help.toString());
    }
    Console.Result version = JarProcess.run(Map.of(), "--version");
    assertTrue(version.out().startsWith("sqlorigin 0."), version.toString());
  }

  @Test
  void pgVariablesAndThePasswordFileAreReadAsPsqlReadsThem() throws Exception {
    int port = PasswordServer.port();
    Path passfile = Files.createTempFile("pgpass", "");
    Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
    // As psql reads it: host:port:database:user:password, ':' and '\' escaped in the password.
    Files.writeString(
        passfile,
        "otherhost:*:*:*:wrong\n127.0.0.1:"
            + port
            + ":*:"
            + PasswordServer.USER
            + ":"
            + PasswordServer.PASSWORD.replace("\\", "\\\\").replace(":", "\\:")
            + "\n");
    Map<String, String> environment =
        Map.of(
            "PGHOST",
            "127.0.0.1",
            "PGPORT",
            Integer.toString(port),
            "PGUSER",
            PasswordServer.USER,
            "PGDATABASE",
            "postgres",
            "PGPASSFILE",
            passfile.toString());
    // No LANG: the terminal's encoding is ASCII, and the console draws with ASCII.
    Console.Result result = JarProcess.run(environment, "activity");
    assertEquals(0, result.exitCode(), result.toString());
    assertTrue(
        result
            .lines()
            .get(0)
            .startsWith(
                "sqlorigin activity - " + PasswordServer.USER + "@127.0.0.1:" + port + "/postgres"),
        result.toString());

    Console.Result without =
        JarProcess.run(
            Map.of(
                "PGHOST",
                "127.0.0.1",
                "PGPORT",
                Integer.toString(port),
                "PGUSER",
                PasswordServer.USER),
            "locks");
    assertEquals(2, without.exitCode(), without.toString());
    assertEquals(1, without.err().lines().count(), without.toString());
  }

  @Test
  void serveFromTheJarServesThePageAndItsScript() throws Exception {
    Process process =
        new ProcessBuilder(
                JarProcess.command(
                    "serve", TestDatabase.get().jdbcUrlWithCredentials(), "--port", "0"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> first =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return out.readLine() + "\n" + out.readLine();
                } catch (java.io.IOException e) {
                  return e.toString();
                }
              });
      String banner = first.get(60, TimeUnit.SECONDS);
      Matcher address =
          Pattern.compile("sqlorigin serve: (http://127\\.0\\.0\\.1:\\d+/) reads ").matcher(banner);
      if (!address.find()) {
        fail("no address in: " + banner);
      }
      assertTrue(banner.contains("listening on 127.0.0.1 only"), banner);
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> script =
          client.send(
              HttpRequest.newBuilder(URI.create(address.group(1) + "app.js")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, script.statusCode());
      assertEquals(
          "text/javascript; charset=utf-8", script.headers().firstValue("Content-Type").orElse(""));
      assertTrue(script.body().contains("textContent"));
      HttpResponse<String> snapshot =
          client.send(
              HttpRequest.newBuilder(URI.create(address.group(1) + "api/snapshot")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, snapshot.statusCode());
      assertFalse(snapshot.body().contains("\"error\":\""), snapshot.body());
    } finally {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
