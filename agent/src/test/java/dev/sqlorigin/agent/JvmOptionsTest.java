package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmOptionsTest {

  @TempDir Path temp;

  @Test
  void agentJarsAreFoundWhereverTheJvmReadsOptionsWithoutTheirOwnOptions() throws IOException {
    Path arguments =
        Files.write(
            temp.resolve("args"),
            List.of("-Xmx1g -javaagent:/c/sqlorigin-agent.jar  -Dx=y", "-cp app.jar"));
    List<String> options =
        JvmOptions.read(
            Map.of("JAVA_TOOL_OPTIONS", " -javaagent:b.jar -javaagent: "),
            commandLine(
                temp.resolve("cmdline"),
                "java",
                "-javaagent:/a/x.jar=mode=on,y=2",
                "@" + arguments,
                "Main"));
    assertEquals(
        List.of("/a/x.jar", "b.jar", "/c/sqlorigin-agent.jar"), JvmOptions.agentJars(options));
  }

  @Test
  void noAgentNamedFindsNone() throws IOException {
    assertEquals(
        List.of(),
        JvmOptions.agentJars(
            JvmOptions.read(
                Map.of(), commandLine(temp.resolve("cmdline"), "java", "-jar", "app.jar"))));
  }

  /** A file laid out as /proc/self/cmdline: each argument ended by a NUL. */
  static File commandLine(Path file, String... arguments) throws IOException {
    StringBuilder line = new StringBuilder();
    for (String argument : arguments) {
      line.append(argument).append('\0');
    }
    return Files.write(file, line.toString().getBytes(StandardCharsets.UTF_8)).toFile();
  }
}
