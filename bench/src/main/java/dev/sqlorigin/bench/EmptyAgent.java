package dev.sqlorigin.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that does nothing: the start-up harness's floor ({@code --empty-agent}), what any
 * {@code -javaagent} costs a start before its premain does anything (the JVM's agent support
 * loaded, the jar opened and its manifest read, the premain class loaded and called). Whatever an
 * agent adds beyond this is its own.
 */
public final class EmptyAgent {

  private EmptyAgent() {}

  /** Returns at once. */
  public static void premain(String arguments, Instrumentation instrumentation) {}

  /**
   * Writes a jar holding this class alone, with a manifest naming it as the premain class, into
   * {@code directory}; returns its path. The class is the bench's own, compiled for Java 17: a JVM
   * older than that refuses it.
   */
  static Path writeJar(Path directory) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().putValue("Premain-Class", EmptyAgent.class.getName());
    String entry = EmptyAgent.class.getName().replace('.', '/') + ".class";
    Path jar = directory.resolve("empty-agent.jar");
    try (InputStream in = EmptyAgent.class.getResourceAsStream("/" + entry);
        OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      if (in == null) {
        throw new IOException("the bench's own " + entry + " is not on its class path");
      }
      out.putNextEntry(new JarEntry(entry));
      in.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
