package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDefinitionsInstallerTest {

  @TempDir Path temp;

  @Test
  void noArchiveNamedAnywhereLetsTheWeavingMove() throws IOException {
    List<String> options =
        JvmOptions.read(
            Map.of("JAVA_TOOL_OPTIONS", " -Xmx1g  -javaagent:/opt/sqlorigin-agent.jar "),
            commandLine("java", "-Xshare:auto", "-jar", "app.jar"));
    assertEquals(
        List.of(
            "java",
            "-Xshare:auto",
            "-jar",
            "app.jar",
            "-Xmx1g",
            "-javaagent:/opt/sqlorigin-agent.jar"),
        options);
    assertNull(ClassDefinitionsInstaller.archiveOption(options));
  }

  @Test
  void anArchiveOnTheCommandLineOrInAVariableKeepsTheJvmsHook() throws IOException {
    assertEquals(
        "-XX:SharedArchiveFile=app.jsa",
        ClassDefinitionsInstaller.archiveOption(
            JvmOptions.read(
                Map.of(),
                commandLine("java", "-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar"))));
    assertEquals(
        "-XX:AOTCache=app.aot",
        ClassDefinitionsInstaller.archiveOption(
            JvmOptions.read(
                Map.of("JDK_JAVA_OPTIONS", "-XX:AOTCache=app.aot"), commandLine("java", "Main"))));
  }

  @Test
  void anArchiveInAnArgumentOrOptionsFileKeepsTheJvmsHook() throws IOException {
    Path arguments =
        Files.write(
            temp.resolve("args"),
            List.of("-Xmx1g", "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=x.jsa"));
    assertEquals(
        "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=x.jsa",
        ClassDefinitionsInstaller.archiveOption(
            JvmOptions.read(Map.of(), commandLine("java", "@" + arguments, "Main"))));
    Path flags = Files.write(temp.resolve("flags"), List.of("-XX:AOTMode=on"));
    assertEquals(
        "-XX:AOTMode=on",
        ClassDefinitionsInstaller.archiveOption(
            JvmOptions.read(
                Map.of("JAVA_TOOL_OPTIONS", "-XX:VMOptionsFile=" + flags),
                commandLine("java", "Main"))));
  }

  @Test
  void optionsThatCannotBeReadKeepTheJvmsHook() throws IOException {
    assertNull(JvmOptions.read(Map.of(), temp.resolve("no-such-cmdline").toFile()));
    assertNull(
        JvmOptions.read(Map.of(), commandLine("java", "@" + temp.resolve("missing"), "Main")));
  }

  @Test
  void onlyHotSpotLetsTheWeavingMove() {
    assertTrue(ClassDefinitionsInstaller.isHotSpot("OpenJDK 64-Bit Server VM"));
    assertTrue(ClassDefinitionsInstaller.isHotSpot("Java HotSpot(TM) 64-Bit Server VM"));
    assertTrue(ClassDefinitionsInstaller.isHotSpot(System.getProperty("java.vm.name")));
    assertFalse(ClassDefinitionsInstaller.isHotSpot("Eclipse OpenJ9 VM"));
    assertFalse(ClassDefinitionsInstaller.isHotSpot("Zing 64-Bit Tiered VM"));
    assertFalse(ClassDefinitionsInstaller.isHotSpot(""));
  }

  private File commandLine(String... arguments) throws IOException {
    return JvmOptionsTest.commandLine(temp.resolve("cmdline"), arguments);
  }
}
