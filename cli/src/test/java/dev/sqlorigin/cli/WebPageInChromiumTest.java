package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlorigin.cli.connect.ConnectionTarget;
import dev.sqlorigin.cli.snapshot.Snapshots;
import dev.sqlorigin.cli.support.Sessions;
import dev.sqlorigin.cli.view.Filter;
import dev.sqlorigin.cli.web.WebServer;
import dev.sqlorigin.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The page {@code serve} shares, loaded in a real headless Chromium while an incident is on: the
 * DOM its script built shows the root blocker and its route, hostile text stays text, and a
 * screenshot is left in {@code target/web/} for a person to look at.
 */
class WebPageInChromiumTest {

  private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

  @Test
  void thePageDrawsTheLockTreeWithTheRootBlockersRouteAndKeepsHostileTextAsText() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      fail("this test needs Chromium at " + CHROMIUM + ": apt-get install chromium");
    }
    try (Sessions sessions = new Sessions();
        Snapshots snapshots =
            new Snapshots(
                ConnectionTarget.resolve(TestDatabase.get().jdbcUrlWithCredentials(), Map.of()),
                Duration.ofSeconds(3));
        WebServer server =
            new WebServer(
                snapshots,
                "127.0.0.1",
                0,
                Duration.ofSeconds(2),
                Duration.ofMillis(1),
                Filter.NONE)) {
      sessions
          .open("setup")
          .run("DROP TABLE IF EXISTS accounts_w")
          .run("CREATE TABLE accounts_w (id int PRIMARY KEY, balance int)")
          .run("INSERT INTO accounts_w VALUES (1, 1), (2, 2)");
      Sessions.Session api = sessions.open("orders-api").begin();
      api.run(
          IncidentReplayTest.tagged(
              "POST /api/campaign-participations",
              "req-w1",
              "UPDATE accounts_w SET balance = 0 WHERE id = 1"));
      sessions.open("flyway").start("ALTER TABLE accounts_w ADD COLUMN note text");
      sessions.awaitWaitingOnLock(1);
      for (int i = 0; i < 4; i++) {
        sessions
            .open("orders-api")
            .start(
                IncidentReplayTest.tagged(
                    "GET /api/accounts/{id}",
                    "req-r" + i,
                    "SELECT * FROM accounts_w WHERE id = 2"));
      }
      sessions.awaitWaitingOnLock(5);
      HostileTextTest.startHostileSessions(sessions);
      server.start();
      String page = "http://127.0.0.1:" + server.port() + "/";

      String dom = chromium("--dump-dom", page);
      Path dir = Files.createDirectories(Paths.get("target", "web"));
      Files.writeString(dir.resolve("incident.html"), dom);
      assertTrue(
          Pattern.compile("data-refreshes=\"[1-9]").matcher(dom).find(),
          "the page's script never rendered a snapshot:\n" + dom);
      Matcher root =
          Pattern.compile(
                  "<div class=\"node root\" data-pid=\"(\\d+)\"><div class=\"head\">"
                      + "<span class=\"pid\">pid \\d+</span><span class=\"origin\">([^<]*)</span>"
                      + "<span class=\"state\">idle in transaction [^<]+</span>.*?"
                      + "<span class=\"blocks\">blocks (\\d+)</span>")
              .matcher(dom);
      assertTrue(root.find(), "no root blocker drawn:\n" + dom);
      assertEquals(Integer.toString(api.pid()), root.group(1));
      assertEquals("POST /api/campaign-participations", root.group(2));
      assertEquals("5", root.group(3));
      assertTrue(
          dom.contains(
              "pid " + api.pid() + " (POST /api/campaign-participations, idle in transaction"),
          "the verdict names the root blocker and its route:\n" + dom);
      assertTrue(dom.contains("4 × GET /api/accounts/{id}"), dom);
      // Hostile text is text: escaped in the DOM, never an element, escapes shown visibly.
      assertTrue(dom.contains("'\"&gt;&lt;img src=x onerror=alert(1)&gt;"), dom);
      assertTrue(dom.contains("GET /x\\x1b[2J\\x1b]0;owned\\x07"), dom);
      assertFalse(dom.contains("<img"), "an element was injected:\n" + dom);

      Path screenshot = dir.resolve("incident.png").toAbsolutePath();
      Files.deleteIfExists(screenshot);
      chromium("--screenshot=" + screenshot, "--window-size=1400,1100", page);
      byte[] png = Files.readAllBytes(screenshot);
      assertTrue(png.length > 10_000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG");
    }
  }

  @Test
  void thePageIsReadOnlyAndAnswersOnlyLoopbackNames() throws Exception {
    try (Snapshots snapshots =
            new Snapshots(
                ConnectionTarget.resolve(TestDatabase.get().jdbcUrlWithCredentials(), Map.of()),
                Duration.ofSeconds(3));
        WebServer server =
            new WebServer(
                snapshots,
                "127.0.0.1",
                0,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Filter.NONE)) {
      server.start();
      HttpClient client = HttpClient.newHttpClient();
      URI base = URI.create("http://127.0.0.1:" + server.port() + "/");
      HttpResponse<String> index =
          client.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, index.statusCode());
      assertTrue(
          index
              .headers()
              .firstValue("Content-Security-Policy")
              .orElse("")
              .contains("script-src 'self'"));
      assertTrue(index.body().contains("<script src=\"app.js\" defer></script>"));
      HttpResponse<String> snapshot =
          client.send(
              HttpRequest.newBuilder(base.resolve("api/snapshot")).build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode json = new ObjectMapper().readTree(snapshot.body());
      assertTrue(json.get("activity").get("groups").isArray(), snapshot.body());
      assertTrue(json.get("locks").get("verdict").isTextual(), snapshot.body());
      HttpResponse<String> post =
          client.send(
              HttpRequest.newBuilder(base.resolve("api/snapshot"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      assertEquals("421", statusFor(server.port(), "attacker.example:" + server.port()));
      assertEquals("200", statusFor(server.port(), "localhost:" + server.port()));
    }
  }

  /** A request whose Host header names {@code host}, as after a DNS rebinding. */
  private static String statusFor(int port, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      return response.substring(9, 12);
    }
  }

  /** Runs headless Chromium on a fresh profile; returns what it printed. */
  private static String chromium(String... args) throws Exception {
    Path profile = Files.createTempDirectory("sqlorigin-chromium");
    List<String> command =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                // The page's script runs and refreshes in virtual time before the dump is taken.
                "--virtual-time-budget=7000"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = process.getInputStream()) {
                in.transferTo(out);
              } catch (IOException ignored) {
                // the process ended
              }
            });
    reader.start();
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("Chromium did not finish within 90 s: " + command);
    }
    reader.join();
    assertEquals(0, process.exitValue(), "Chromium failed: " + command);
    return out.toString(StandardCharsets.UTF_8);
  }
}
