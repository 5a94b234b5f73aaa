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
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar holds our classes and relocated third-party ones only: an application's own Byte
 * Buddy, SLF4J or OpenTelemetry can never meet ours. Core travels as a nested jar for the bootstrap
 * path.
 */
class AgentJarContentTest {

  private static final Pattern ALLOWED =
      Pattern.compile(
          "META-INF/|META-INF/MANIFEST\\.MF|META-INF/services/|META-INF/services/dev\\.sqlorigin\\.shaded\\..*"
              + "|META-INF/licenses/.*|dev/|dev/sqlorigin/|dev/sqlorigin/(agent|instrumentation|shaded)/.*");
  private static final Pattern CORE_ALLOWED =
      Pattern.compile(
          "META-INF/(MANIFEST\\.MF|maven/.*)?|dev/|dev/sqlorigin/(?!agent/|instrumentation/|shaded/).*");

  @Test
  void everyEntryIsOursOrRelocated() throws Exception {
    List<String> strays = new ArrayList<>();
    try (JarFile jar = new JarFile(AppProcess.agentJar().toFile())) {
      jar.stream()
          .map(JarEntry::getName)
          .filter(name -> !ALLOWED.matcher(name).matches())
          .forEach(strays::add);
      assertEquals(
          "dev.sqlorigin.agent.SqloriginAgent",
          jar.getManifest().getMainAttributes().getValue("Premain-Class"));
      assertTrue(jar.getEntry("dev/sqlorigin/shaded/net/bytebuddy/ByteBuddy.class") != null);
      assertTrue(
          jar.getEntry("dev/sqlorigin/shaded/io/opentelemetry/sdk/OpenTelemetrySdk.class") != null);
      // The SDK finds its exporters and senders through ServiceLoader, by the relocated names.
      assertTrue(
          jar.getEntry(
                  "META-INF/services/dev.sqlorigin.shaded.io.opentelemetry.sdk.common.export.HttpSenderProvider")
              != null);
      assertTrue(
          jar.getEntry("dev/sqlorigin/Sqlorigin.class") == null,
          "core must only be in the nested jar");

      JarEntry core = jar.getJarEntry("dev/sqlorigin/agent/sqlorigin-core.jar");
      assertTrue(core != null, "the nested core jar is missing");
      int coreClasses = 0;
      try (InputStream in = jar.getInputStream(core);
          JarInputStream nested = new JarInputStream(in)) {
        for (JarEntry entry = nested.getNextJarEntry();
            entry != null;
            entry = nested.getNextJarEntry()) {
          if (!CORE_ALLOWED.matcher(entry.getName()).matches()) {
            strays.add("sqlorigin-core.jar!/" + entry.getName());
          }
          coreClasses += entry.getName().endsWith(".class") ? 1 : 0;
        }
      }
      assertTrue(coreClasses > 5, "core classes: " + coreClasses);
    }
    assertEquals(List.of(), strays, "entries outside the allowed set");
  }

  /**
   * What the agent loads into an application, its own classes and the relocated Byte Buddy,
   * OpenTelemetry and SLF4J alike, runs on Java 11: no class file is newer than version 55; and
   * premain's class, the version gate, loads on Java 8 (52). The end-to-end tests run it on 11.
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
      try (InputStream in =
              jar.getInputStream(jar.getEntry("dev/sqlorigin/agent/sqlorigin-core.jar"));
          JarInputStream nested = new JarInputStream(in)) {
        for (JarEntry entry = nested.getNextJarEntry();
            entry != null;
            entry = nested.getNextJarEntry()) {
          if (entry.getName().endsWith(".class")) {
            classes++;
            int release = release(nested);
            if (release > 11) {
              tooNew.put("sqlorigin-core.jar!/" + entry.getName(), release);
            }
          }
        }
      }
      try (InputStream in =
          jar.getInputStream(jar.getEntry("dev/sqlorigin/agent/SqloriginAgent.class"))) {
        assertEquals(8, release(in), "the version gate must load on Java 8");
      }
    }
    assertTrue(classes > 1000, "classes read: " + classes);
    assertEquals(
        Map.of(), tooNew, "classes that need a Java newer than 11 (Java release by class)");
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
