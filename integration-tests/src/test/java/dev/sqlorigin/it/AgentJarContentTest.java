package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import java.io.DataInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar holds our classes and relocated third-party ones only: an application's own Byte
 * Buddy, SLF4J or OpenTelemetry can never meet ours. Its top level is what the JVM puts on the
 * bootstrap class path (core, the version gate, its class loader and its reader of the JVM's
 * options); the rest lies under {@code sqlorigin-agent/}, out of every class loader's sight but the
 * agent's own.
 */
class AgentJarContentTest {

  private static final String AGENT = "sqlorigin-agent/";
  private static final Pattern TOP_LEVEL =
      Pattern.compile(
          "META-INF/|META-INF/MANIFEST\\.MF|dev/|dev/sqlorigin/|dev/sqlorigin/agent/"
              + "|dev/sqlorigin/agent/(SqloriginAgent|AgentClassLoader|JvmOptions)\\.class"
              + "|dev/sqlorigin/(?!agent/|instrumentation/|shaded/).*"
              + "|"
              + AGENT
              + ".*");
  private static final Pattern UNDER_AGENT =
      Pattern.compile(
          "|META-INF/|META-INF/services/|META-INF/services/dev\\.sqlorigin\\.shaded\\..*"
              + "|META-INF/licenses/.*|dev/|dev/sqlorigin/|dev/sqlorigin/(agent|instrumentation|shaded)/.*");

  @Test
  void everyEntryIsOursOrRelocated() throws Exception {
    List<String> strays = new ArrayList<>();
    try (JarFile jar = new JarFile(AppProcess.agentJar().toFile())) {
      jar.stream()
          .map(JarEntry::getName)
          .filter(
              name ->
                  !TOP_LEVEL.matcher(name).matches()
                      || name.startsWith(AGENT)
                          && !UNDER_AGENT.matcher(name.substring(AGENT.length())).matches())
          .forEach(strays::add);
      Attributes manifest = jar.getManifest().getMainAttributes();
      assertEquals("dev.sqlorigin.agent.SqloriginAgent", manifest.getValue("Premain-Class"));
      // The jar itself, by the name it is built with.
      assertEquals(
          AppProcess.agentJar().getFileName().toString(), manifest.getValue("Boot-Class-Path"));
      assertTrue(jar.getEntry("dev/sqlorigin/Sqlorigin.class") != null, "core at the top level");
      assertTrue(
          jar.getEntry(AGENT + "dev/sqlorigin/agent/AgentInstaller.class") != null,
          "the rest of the agent under " + AGENT);
      assertTrue(
          jar.getEntry(AGENT + "dev/sqlorigin/shaded/org/objectweb/asm/ClassReader.class") != null,
          "ASM, relocated");
      assertTrue(
          jar.stream().noneMatch(entry -> entry.getName().contains("bytebuddy")),
          "no Byte Buddy: the agent weaves with ASM alone");
      assertTrue(
          jar.getEntry(AGENT + "dev/sqlorigin/shaded/io/opentelemetry/sdk/OpenTelemetrySdk.class")
              != null);
      // The SDK finds its exporters and senders through ServiceLoader, by the relocated names.
      assertTrue(
          jar.getEntry(
                  AGENT
                      + "META-INF/services/dev.sqlorigin.shaded.io.opentelemetry.sdk.common.export.HttpSenderProvider")
              != null);
      assertTrue(jar.getEntry(AGENT + "dev/sqlorigin/Sqlorigin.class") == null, "core once");
    }
    assertEquals(List.of(), strays, "entries outside the allowed set");
  }

  /**
   * What the agent loads into an application, its own classes and the relocated ASM, OpenTelemetry
   * and SLF4J alike, runs on Java 11: no class file is newer than version 55; and premain's class,
   * the version gate, its class loader and its reader of options load on Java 8 (52). The
   * end-to-end tests run it on 11.
   */
  @Test
  void everyClassLoadsOnJava11AndTheVersionGateOnJava8() throws Exception {
    Map<String, Integer> tooNew = new TreeMap<>();
    int classes = 0;
    try (JarFile jar = new JarFile(AppProcess.agentJar().toFile())) {
      for (JarEntry entry : java.util.Collections.list(jar.entries())) {
        if (entry.getName().endsWith(".class")) {
          classes++;
          try (InputStream in = jar.getInputStream(entry)) {
            int release = release(in);
            if (release > 11) {
              tooNew.put(entry.getName(), release);
            }
          }
        }
      }
      for (String gate : List.of("SqloriginAgent", "AgentClassLoader", "JvmOptions")) {
        try (InputStream in =
            jar.getInputStream(jar.getEntry("dev/sqlorigin/agent/" + gate + ".class"))) {
          assertEquals(8, release(in), gate + ", the version gate, must load on Java 8");
        }
      }
    }
    assertTrue(classes > 1000, "classes read: " + classes);
    assertEquals(
        Map.of(), tooNew, "classes that need a Java newer than 11 (Java release by class)");
  }

  /**
   * What only the agent's class loader reads is stored, not deflated: it reads it in Java on the
   * application's start, where inflating each class showed; the top level, which the JVM reads
   * natively, stays deflated.
   */
  @Test
  void theAgentsOwnClassesAreStoredForItsClassLoader() throws Exception {
    List<String> deflated = new ArrayList<>();
    int stored = 0;
    try (JarFile jar = new JarFile(AppProcess.agentJar().toFile())) {
      for (JarEntry entry : java.util.Collections.list(jar.entries())) {
        if (!entry.getName().startsWith(AGENT) || entry.isDirectory()) {
          continue;
        }
        if (entry.getMethod() == ZipEntry.STORED) {
          stored++;
        } else {
          deflated.add(entry.getName());
        }
      }
      assertEquals(
          ZipEntry.DEFLATED, jar.getEntry("dev/sqlorigin/Sqlorigin.class").getMethod(), "core");
    }
    assertTrue(stored > 1000, "stored entries: " + stored);
    assertEquals(List.of(), deflated, "entries under " + AGENT + " that are deflated");
  }

  /** The Java release a class file needs: its major version less 44. */
  private static int release(InputStream classFile) throws java.io.IOException {
    DataInputStream in = new DataInputStream(classFile);
    if (in.readInt() != 0xCAFEBABE) {
      throw new AssertionError("not a class file");
    }
    in.readUnsignedShort(); // minor
    return in.readUnsignedShort() - 44;
  }
}
