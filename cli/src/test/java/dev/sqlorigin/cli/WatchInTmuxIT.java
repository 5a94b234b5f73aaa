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
      // The shell writes the console's exit status to a file: tmux 3.3 sometimes marks the pane
      // dead without ever recording the status of its process.
      Path exitStatus = Files.createTempFile("console", ".status");
      start.add(
          String.join(" ", console.stream().map(WatchInTmuxIT::quote).toList())
              + "; echo $? > "
              + quote(exitStatus.toString()));
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
      assertEquals("0", awaitExitStatus(exitStatus), "q ends the console normally");
      String after = capture(socket);
      assertFalse(after.contains("q quits"), "the screen is given back:\n" + after);
    } finally {
      new ProcessBuilder(TMUX.toString(), "-L", socket, "kill-server")
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Waits (60 s at most) for the shell to write the console's exit status. */
  private static String awaitExitStatus(Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String status = "";
    while (System.nanoTime() < deadline) {
      status = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!status.isEmpty()) {
        return status;
      }
      Thread.sleep(100);
    }
    fail("waited 60 s for the console to quit after q");
    return status;
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

  /** Waits (60 s at most) for the pane's screen to satisfy {@code condition}. */
  private static String awaitScreen(String socket, String what, Predicate<String> condition)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen = capture(socket);
      if (condition.test(seen)) {
        return seen;
      }
      Thread.sleep(100);
    }
    fail("waited 60 s for " + what + "; the pane shows:\n" + seen);
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
