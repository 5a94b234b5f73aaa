package dev.sqlorigin.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.log.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control file's watch, one poll at a time, on real files. */
class ControlFileTest {

  @TempDir Path directory;
  private Path file;
  private final List<ControlFile.Settings> applied = new ArrayList<>();
  private final List<String> log = new ArrayList<>();
  private ControlFile control;

  @BeforeEach
  void setUp() {
    file = directory.resolve("control.properties");
    control = new ControlFile(file, Map::of, Map.of(), this::apply);
    AgentLog.install(
        new AgentLog.Sink() {
          @Override
          public void info(String message) {
            log.add("INFO " + message);
          }

          @Override
          public void warn(String message, Throwable cause) {
            log.add("WARN " + message);
          }

          @Override
          public void debug(String message) {}
        });
  }

  @AfterEach
  void restoreLog() {
    AgentLog.install(null);
  }

  private String apply(ControlFile.Settings settings) {
    applied.add(settings);
    return "";
  }

  private void write(String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** Writes, and dates the file in the past, as a file that a writer has long finished. */
  private void writeSettled(String content, long secondsAgo) throws IOException {
    write(content);
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(System.currentTimeMillis() - secondsAgo * 1000));
  }

  @Test
  void theFirstReadAppliesAtOnceAndAChangeOnceItHasSettled() throws IOException {
    writeSettled("routes.blocked=POST /api/imports\nsqlorigin.request.timeout=55s\n", 60);
    control.poll(true);
    assertEquals(1, applied.size());
    assertEquals("[POST /api/imports]", applied.get(0).blocked.toString());
    assertNull(applied.get(0).limits, "the file does not set caps: the JVM's own apply");
    assertEquals(55_000_000_000L, applied.get(0).config.requestTimeout().toNanos());
    assertEquals(
        "INFO control file "
            + file
            + " read: routes.blocked: (the JVM's setting) -> POST /api/imports;"
            + " request.timeout: (the JVM's setting) -> 55s",
        log.get(0));

    control.poll(false);
    assertEquals(1, applied.size(), "nothing changed: nothing applied again");

    writeSettled("routes.blocked=none\nroutes.max-concurrent=POST /api/imports=1\n", 30);
    control.poll(false);
    assertEquals(1, applied.size(), "a change is read once it has stayed the same for one poll");
    control.poll(false);
    assertEquals(2, applied.size());
    assertTrue(applied.get(1).blocked.isEmpty());
    assertEquals("{POST /api/imports=1}", applied.get(1).limits.toString());
    assertEquals(0, applied.get(1).config.requestTimeout().toNanos(), "dropped: the JVM's setting");
    assertEquals(
        "INFO control file "
            + file
            + " changed: routes.blocked: POST /api/imports -> none;"
            + " routes.max-concurrent: (the JVM's setting) -> POST /api/imports=1;"
            + " request.timeout: 55s -> (the JVM's setting)",
        log.get(1));
  }

  @Test
  void aMalformedFileKeepsTheLastGoodStateAndSaysWhyOnce() throws IOException {
    writeSettled("routes.blocked=POST /api/imports\n", 60);
    control.poll(true);
    for (String bad :
        List.of(
            "routes.blocked=imports\n",
            "routes.max-concurrent=POST /api/imports=0\n",
            "request.timeout=soon\n",
            "routes.blokced=POST /api/imports\n",
            "routes.blocked=POST /x\nsqlorigin.routes.blocked=POST /y\n",
            "routes.blocked=\\u00zz\n")) {
      log.clear();
      writeSettled(bad, 20);
      control.poll(false);
      control.poll(false);
      control.poll(false);
      assertEquals(1, applied.size(), bad);
      assertEquals(1, log.size(), bad + ": " + log);
      assertTrue(log.get(0).startsWith("WARN control file " + file + " "), log.get(0));
      assertTrue(log.get(0).endsWith("; keeping the last good state"), log.get(0));
    }
    // The reason names the key and what is wrong:
    writeSettled("routes.max-concurrent=POST /api/imports=0\n", 10);
    log.clear();
    control.poll(false);
    control.poll(false);
    assertTrue(
        log.get(0)
            .contains(
                "is malformed: routes.max-concurrent=\"POST /api/imports=0\": the limit of POST"
                    + " /api/imports is 0: a cap must let at least 1 request through"),
        log.get(0));
  }

  @Test
  void anUnknownKeyIsRefusedWithTheKeysAccepted() throws IOException {
    writeSettled("routes.blokced=POST /api/imports\n", 60);
    control.poll(true);
    assertEquals(0, applied.size());
    assertEquals(
        "WARN control file "
            + file
            + " holds 'routes.blokced', which a control file cannot set (it takes routes.blocked,"
            + " routes.max-concurrent, request.timeout, log.level); keeping the last good state",
        log.get(0));
  }

  @Test
  void aFileOver64KbIsRefused() throws IOException {
    writeSettled("routes.blocked=POST /api/imports\n", 60);
    control.poll(true);
    writeSettled("# padding\n".repeat(7_000) + "routes.blocked=none\n", 30);
    control.poll(false);
    control.poll(false);
    assertEquals(1, applied.size());
    assertTrue(
        log.get(log.size() - 1)
            .contains("bytes, over the 65536 accepted; keeping the last good state"),
        log.toString());
  }

  @Test
  void aMissingFileIsSaidOnceAndReadWhenItAppears() throws IOException {
    control.poll(true);
    control.poll(false);
    assertEquals(
        List.of(
            "WARN control file "
                + file
                + " does not exist (yet); the JVM's own settings apply until it does"),
        log);
    writeSettled("log.level=debug\n", 60);
    control.poll(false);
    control.poll(false);
    assertEquals(1, applied.size());
    assertEquals("debug", applied.get(0).config.logLevel());

    Files.delete(file);
    control.poll(false);
    control.poll(false);
    assertEquals(1, applied.size());
    assertTrue(log.get(log.size() - 1).endsWith(" is gone; keeping the last good state"));
  }

  @Test
  void aFileChangingWhileReadIsReadAgainOnceSettled() throws IOException {
    writeSettled("routes.blocked=POST /a\n", 60);
    List<String> appends = new ArrayList<>(List.of("routes.blocked=POST /b\n"));
    ControlFile racing =
        new ControlFile(file, Map::of, Map.of(), this::apply) {
          @Override
          byte[] read(Path path) throws IOException {
            byte[] content = super.read(path);
            if (!appends.isEmpty()) {
              // A writer replaces the file between the look at its attributes and the end of the
              // read.
              writeSettled(appends.remove(0), 5);
            }
            return content;
          }
        };
    racing.poll(true);
    assertEquals(0, applied.size());
    assertTrue(
        log.get(0)
            .endsWith(
                " changed while it was read; keeping the last good state and reading it again"),
        log.get(0));
    racing.poll(false);
    assertEquals(1, applied.size());
    assertEquals("[POST /b]", applied.get(0).blocked.toString());
  }

  @Test
  void aFileThatCannotBeReadKeepsTheLastGoodState() throws IOException {
    writeSettled("routes.blocked=POST /a\n", 60);
    control.poll(true);
    Files.delete(file);
    Files.createDirectory(file);
    control.poll(false);
    control.poll(false);
    assertEquals(1, applied.size());
    assertTrue(log.get(log.size() - 1).contains("cannot be read"), log.toString());
  }
}
