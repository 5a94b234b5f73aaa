package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.GrpcProbe;
import dev.sqlorigin.testing.TestDatabase;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gRPC whose version sqlorigin does not know (its API jar says 2.0.0): the application works as
 * without the agent, its statements go untagged, and the agent says once which version it left
 * alone.
 */
class GrpcUnknownVersionTest {

  @TempDir Path dir;

  @Test
  void aGrpcOfAnUnknownVersionRunsUntrackedAndTheAgentSaysSoOnce() throws Exception {
    Path api = withVersion(grpcApiJar(), "2.0.0", dir.resolve("grpc-api-2.0.0.jar"));
    try (AppProcess app =
            AppProcess.testApp("grpc", GrpcTaggingTest.APP)
                .replaceClassPathEntry("grpc-api-", api)
                .property("sqlorigin.comment.fields", "route,request_id")
                .args(TestDatabase.get().jdbcUrlWithCredentials())
                .start();
        GrpcProbe client = GrpcProbe.connect(app.port())) {
      for (int i = 0; i < 3; i++) {
        GrpcProbe.Answer answer =
            client.call(GrpcProbe.RUN, "/prepared", "X-Request-Id: unknown-" + i);
        assertTrue(answer.ok(), answer.body());
        String sent = answer.values("sent").get(0);
        assertFalse(sent.contains("sqlorigin"), sent);
        assertNull(answer.header("X-Request-Id"));
      }
      List<String> said =
          app.agentLines().stream()
              .filter(line -> line.contains("gRPC"))
              .collect(Collectors.toList());
      assertEquals(1, said.size(), String.join("\n", app.agentLines()));
      assertTrue(
          said.get(0).contains("gRPC 2.0.0")
              && said.get(0).contains("is not a version sqlorigin knows"),
          said.get(0));
    }
  }

  /** The grpc-api jar of the gRPC test application's class path. */
  private static Path grpcApiJar() throws Exception {
    Path listing =
        Paths.get(
            System.getProperty("sqlorigin.test.apps", "../test-apps"),
            "grpc",
            "target",
            "classpath.txt");
    for (String entry :
        Files.readString(listing, StandardCharsets.UTF_8).trim().split(File.pathSeparator)) {
      if (Paths.get(entry).getFileName().toString().startsWith("grpc-api-")) {
        return Paths.get(entry);
      }
    }
    throw new AssertionError("no grpc-api jar in " + listing);
  }

  /** A copy of {@code jar} whose manifest says it is {@code version}. */
  private static Path withVersion(Path jar, String version, Path copy) throws Exception {
    try (InputStream in = Files.newInputStream(jar);
        JarInputStream entries = new JarInputStream(in)) {
      Manifest manifest = entries.getManifest();
      manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
      try (OutputStream out = Files.newOutputStream(copy);
          JarOutputStream written = new JarOutputStream(out, manifest)) {
        for (JarEntry entry = entries.getNextJarEntry();
            entry != null;
            entry = entries.getNextJarEntry()) {
          written.putNextEntry(new JarEntry(entry.getName()));
          entries.transferTo(written);
          written.closeEntry();
        }
      }
    }
    return copy;
  }
}
