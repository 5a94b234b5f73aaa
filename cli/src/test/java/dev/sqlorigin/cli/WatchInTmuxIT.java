package dev.sqlorigin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sqlorigin.cli.support.JarProcess;
import dev.sqlorigin.cli.support.Sessions;
import dev.sqlorigin.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@code activity --watch} in a real terminal (tmux): it draws in place, redraws with what changed
 * in the database, and {@code q} quits and gives the screen back.
 */
class WatchInTmuxIT {

  private static final Path TMUX = Paths.get("/usr/bin/tmux");

  @Test
  void watchRedrawsInPlaceAndQQuits() throws Exception {
    if (!Files.isExecutable(TMUX)) {
      fail("this test needs tmux at " + TMUX + ": apt-get install tmux");
    }
    String socket = "sqlorigin-watch-" + ProcessHandle.current().pid();
    Path config = Files.createTempFile("tmux", ".conf");
    Files.writeString(
        config, "set -g default-terminal screen-256color\nset -g remain-on-exit on\n");
    List<String> console =
        new ArrayList<>(
            JarProcess.command(
                "activity", TestDatabase.get().jdbcUrlWithCredentials(), "--watch", "0.5s"));
    try (Sessions sessions = new Sessions()) {
      List<String> start =
          new ArrayList<>(
              List.of(
                  TMUX.toString(),
                  "-L",
                  socket,
                  "-f",
                  config.toString(),
                  "new-session",
                  "-d",
                  "-x",
                  "150",
                  "-y",
                  "40",
                  "-s",
                  "watch"));
      start.add(String.join(" ", console.stream().map(WatchInTmuxIT::quote).toList()));
      tmux(start);
      String first =
          awaitScreen(
              socket,
              "the first screen",
              s -> s.contains("sqlorigin activity") && s.contains("q quits"));

      sessions
          .open("late-app")
          .start(
              IncidentReplayTest.tagged(
                  "GET /api/appeared-later", "req-t1", "SELECT pg_sleep(600)"));
      String second =
          awaitScreen(
              socket, "the new session on the screen", s -> s.contains("GET /api/appeared-later"));
      assertEquals(
          1, count(second, "sqlorigin activity"), "drawn in place, not scrolled:\n" + second);
      assertEquals(second.lines().count(), first.lines().count(), "the same screen, redrawn");

      tmux(List.of(TMUX.toString(), "-L", socket, "send-keys", "-t", "watch", "q"));
      String ended =
          awaitTmux(
              socket,
              "the console to quit",
              "#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal}",
              // tmux closes the pane when the terminal ends and learns the exit status a moment
              // later, when it reaps the process.
              state -> state.matches("1 status=\\d+ .*") || state.matches("1 .*signal=\\d+"));
      assertEquals("1 status=0 signal=", ended, "q ends the console normally");
      String after = capture(socket);
      assertFalse(after.contains("q quits"), "the screen is given back:\n" + after);
    } finally {
      new ProcessBuilder(TMUX.toString(), "-L", socket, "kill-server")
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }

  private static String capture(String socket) throws Exception {
    return tmux(List.of(TMUX.toString(), "-L", socket, "capture-pane", "-p", "-t", "watch"));
  }

  private static String awaitScreen(String socket, String what, Predicate<String> condition)
      throws Exception {
    return awaitTmux(socket, what, null, condition);
  }

  /**
   * Waits (60 s at most) for the pane's screen, or a format's value, to satisfy {@code condition}.
   */
  private static String awaitTmux(
      String socket, String what, String format, Predicate<String> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen =
          format == null
              ? capture(socket)
              : tmux(List.of(
                      TMUX.toString(),
                      "-L",
                      socket,
                      "display-message",
                      "-p",
                      "-t",
                      "watch",
                      format))
                  .trim();
      if (condition.test(seen)) {
        return seen;
      }
      Thread.sleep(100);
    }
    fail("waited 60 s for " + what + "; the pane shows:\n" + seen + "\n" + capture(socket));
    return seen;
  }

  private static String tmux(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
      fail("tmux failed: " + command + "\n" + out);
    }
    return out;
  }
}
