package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** premain's jar, from the JVM's -javaagent options where they tell it for sure. */
class AgentJarLookupTest {

  @TempDir Path temp;

  @Test
  void theJarOfTheAgentsNameIsTheOneItsBootClassPathNamed() throws IOException {
    Path jar = file(temp.resolve("opt/sqlorigin-agent.jar"));
    Path other = file(temp.resolve("opt/other-agent.jar"));
    assertEquals(
        jar.toFile(),
        SqloriginAgent.namedJar(List.of(other.toString(), jar.toString(), jar.toString())));
  }

  @Test
  void aRenamedOrMissingJarIsNotGuessed() throws IOException {
    Path renamed = file(temp.resolve("sqlorigin-1.0.jar"));
    assertNull(SqloriginAgent.namedJar(List.of(renamed.toString())));
    assertNull(
        SqloriginAgent.namedJar(List.of(temp.resolve("gone/sqlorigin-agent.jar").toString())));
    assertNull(SqloriginAgent.namedJar(List.of()));
  }

  @Test
  void twoCopiesLeaveItToTheBootstrapLoader() throws IOException {
    Path one = file(temp.resolve("a/sqlorigin-agent.jar"));
    Path two = file(temp.resolve("b/sqlorigin-agent.jar"));
    assertNull(SqloriginAgent.namedJar(List.of(one.toString(), two.toString())));
  }

  private static Path file(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    return Files.write(path, new byte[] {1});
  }
}
