package dev.sqlorigin.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmptyAgentTest {

  @Test
  void theJarItWritesIsAnAgentAJvmStartsWith(@TempDir Path directory) throws Exception {
    Path jar = EmptyAgent.writeJar(directory);
    try (JarFile file = new JarFile(jar.toFile())) {
      assertEquals(
          EmptyAgent.class.getName(),
          file.getManifest().getMainAttributes().getValue("Premain-Class"));
      // The agent's class alone (and the manifest): nothing else for the JVM to open or load.
      assertEquals(
          List.of("META-INF/MANIFEST.MF", "dev/sqlorigin/bench/EmptyAgent.class"),
          file.stream().map(ZipEntry::getName).collect(Collectors.toList()));
    }
    // A JVM whose agent's premain class or method cannot be found or called aborts at start.
    Process java =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + jar,
                "-version")
            .redirectErrorStream(true)
            .start();
    String output = new String(java.getInputStream().readAllBytes(), UTF_8);
    assertEquals(0, java.waitFor(), output);
    assertTrue(output.contains("version"), output);
  }
}
