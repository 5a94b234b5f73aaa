package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.testing.TestDatabase;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A framework version the agent does not know: Micronaut's HTTP server jar saying it is 5.0.0. The
 * agent leaves it alone, says so once, and the application works as without the agent.
 */
class UnknownFrameworkVersionTest {

  @Test
  void unknownMicronautIsLeftAloneSaidOnceAndTheApplicationWorks() throws Exception {
    Path jar = withVersion("micronaut-http-server-netty", "5.0.0");
    try (AppProcess app =
        MicronautApps.application()
            .replaceClassPathEntry("micronaut-http-server-netty", jar)
            .args(TestDatabase.get().jdbcUrlWithCredentials())
            .start()) {
      for (int i = 0; i < 3; i++) {
        Http.Response response =
            Http.get(app.port(), "/shop/probe/prepared/42", "X-Request-Id: unknown-" + i);
        assertEquals(200, response.status(), response.body());
        assertEquals("SELECT current_query()", response.values("sent").get(0));
        assertNull(response.header("X-Request-Id"), "an untracked request gets no ID");
      }
      List<String> lines = app.agentLines();
      List<String> leftAlone =
          lines.stream().filter(line -> line.contains(" alone ")).collect(Collectors.toList());
      assertEquals(1, leftAlone.size(), String.join("\n", lines));
      assertTrue(
          leftAlone
              .get(0)
              .contains(
                  "sqlorigin leaves Micronaut HTTP server 5.0.0 alone ("
                      + jar.getFileName()
                      + "; it knows 4.x)"),
          leftAlone.get(0));
      assertFalse(app.output().contains("Exception"), app.output());
    }
  }

  /** A copy of the application's {@code artifact} jar whose manifest says {@code version}. */
  private static Path withVersion(String artifact, String version) throws Exception {
    Path original = null;
    Path listing =
        Paths.get(
            System.getProperty("sqlorigin.test.apps"), "micronaut", "target", "classpath.txt");
    for (String entry : Files.readString(listing).trim().split(File.pathSeparator)) {
      if (Paths.get(entry).getFileName().toString().startsWith(artifact + "-")) {
        original = Paths.get(entry);
      }
    }
    assertTrue(original != null, artifact + " is not on the Micronaut application's class path");
    Path copy =
        Files.createDirectories(Paths.get("target", "tampered"))
            .resolve(artifact + "-" + version + ".jar");
    try (JarFile in = new JarFile(original.toFile());
        OutputStream file = Files.newOutputStream(copy)) {
      Manifest manifest = new Manifest(in.getManifest());
      manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
      try (JarOutputStream out = new JarOutputStream(file, manifest)) {
        for (Enumeration<JarEntry> entries = in.entries(); entries.hasMoreElements(); ) {
          JarEntry entry = entries.nextElement();
          if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
            continue;
          }
          out.putNextEntry(new JarEntry(entry.getName()));
          try (InputStream content = in.getInputStream(entry)) {
            content.transferTo(out);
          }
          out.closeEntry();
        }
      }
    }
    return copy;
  }
}
