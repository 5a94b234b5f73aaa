package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** premain on any JVM: below the floor, or failing, it says so in one line and returns. */
class VersionGateTest {

  @Test
  void theGateLoadsOnJava8AndTheRestNeedsTheFloor() throws IOException {
    assertEquals(8, classFileRelease(SqloriginAgent.class));
    assertEquals(8, classFileRelease(AgentClassLoader.class));
    assertEquals(8, classFileRelease(JvmOptions.class));
    assertEquals(SqloriginAgent.JAVA_FLOOR, classFileRelease(AgentInstaller.class));
    assertEquals(SqloriginAgent.JAVA_FLOOR, classFileRelease(dev.sqlorigin.Sqlorigin.class));
  }

  @Test
  void versionsAreReadAsTheJdkWritesThem() {
    assertEquals(8, SqloriginAgent.javaVersion("1.8"));
    assertEquals(7, SqloriginAgent.javaVersion("1.7"));
    assertEquals(11, SqloriginAgent.javaVersion("11"));
    assertEquals(25, SqloriginAgent.javaVersion("25"));
    assertEquals(26, SqloriginAgent.javaVersion("26-ea"));
    assertEquals(0, SqloriginAgent.javaVersion(null));
    assertEquals(0, SqloriginAgent.javaVersion("unknown"));
    assertEquals(0, SqloriginAgent.javaVersion("99999999999999"));
  }

  @Test
  @ResourceLock(Resources.SYSTEM_PROPERTIES)
  @ResourceLock(Resources.SYSTEM_ERR)
  void belowTheFloorItSaysSoOnceAndInstallsNothing() {
    String running = System.getProperty("java.specification.version");
    System.setProperty("java.specification.version", "1.8");
    try {
      // No Instrumentation at all: touching it would throw, and say so as an error instead.
      List<String> lines = stderrOf(() -> SqloriginAgent.premain(null, null));
      assertEquals(
          List.of(
              "[sqlorigin] WARN sqlorigin needs Java 11+, this JVM is 1.8: not installed;"
                  + " the application runs without it"),
          lines);
    } finally {
      System.setProperty("java.specification.version", running);
    }
  }

  @Test
  @ResourceLock(Resources.SYSTEM_ERR)
  void anythingThrownInPremainIsOneLineNotAnAbort() {
    List<String> lines = stderrOf(() -> SqloriginAgent.premain(null, null));
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(
        lines.get(0).startsWith("[sqlorigin] ERROR sqlorigin did not start; the application runs"),
        lines.get(0));
  }

  @Test
  @ResourceLock(Resources.SYSTEM_ERR)
  void attachingToARunningJvmIsRefusedInOneLine() {
    List<String> lines = stderrOf(() -> SqloriginAgent.agentmain(null, null));
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).contains("not to a running JVM: not installed"), lines.get(0));
  }

  private static List<String> stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  private static int classFileRelease(Class<?> type) throws IOException {
    try (InputStream in =
            type.getResourceAsStream(
                type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class");
        DataInputStream data = new DataInputStream(in)) {
      data.readInt(); // magic
      data.readUnsignedShort(); // minor
      return data.readUnsignedShort() - 44;
    }
  }
}
