package dev.sqlorigin.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Loads the agent's own classes and resources, which the jar keeps under {@link #PREFIX}: there
 * neither the bootstrap loader (which has the jar on its path, for core) nor the application class
 * loader (which has it on its class path, as the JVM puts every agent jar there) can find them. Its
 * parent is the platform class loader: the agent sees the JDK and core, never the application's
 * classes, which it reads as class files through their own loaders. Compiled for Java 8 with {@link
 * SqloriginAgent}, which names it.
 */
final class AgentClassLoader extends ClassLoader {

  /** Where the jar keeps what this loader serves. */
  static final String PREFIX = "sqlorigin-agent/";

  static {
    registerAsParallelCapable();
  }

  private final JarFile jar;
  // "jar:file:/…/sqlorigin-agent.jar!/sqlorigin-agent/": the base of the URLs of our resources.
  private final String base;
  private final ProtectionDomain domain;
  private final Manifest manifest;
  private final Set<String> packages = ConcurrentHashMap.newKeySet();

  AgentClassLoader(File file) throws IOException {
    // The platform class loader (the extension loader of Java 8, where nothing is loaded).
    super(ClassLoader.getSystemClassLoader().getParent());
    this.jar = new JarFile(file);
    URL location = file.toURI().toURL();
    this.base = "jar:" + location + "!/" + PREFIX;
    this.domain =
        new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null, this, null);
    this.manifest = jar.getManifest();
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".class");
    if (entry == null) {
      throw new ClassNotFoundException(name);
    }
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = readAll(in, entry.getSize());
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    definePackageOf(name);
    return defineClass(name, bytes, 0, bytes.length, domain);
  }

  /**
   * With the jar's title and version, as an application class loader would define it. Not looked up
   * with {@code getPackage}, which also answers the bootstrap loader's package of the same name
   * (the version gate's).
   */
  private void definePackageOf(String className) {
    int dot = className.lastIndexOf('.');
    if (dot < 0) {
      return;
    }
    String name = className.substring(0, dot);
    if (!packages.add(name)) {
      return;
    }
    Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
    try {
      definePackage(
          name,
          null,
          null,
          null,
          main.getValue(Attributes.Name.IMPLEMENTATION_TITLE),
          main.getValue(Attributes.Name.IMPLEMENTATION_VERSION),
          null,
          null);
    } catch (IllegalArgumentException definedMeanwhile) {
      // another thread defined it first
    }
  }

  @Override
  protected URL findResource(String name) {
    if (jar.getEntry(PREFIX + name) == null) {
      return null;
    }
    try {
      return new URL(base + name);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null
        ? Collections.<URL>emptyEnumeration()
        : Collections.enumeration(Collections.singletonList(url));
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    // Straight from the open jar: the weaver reads every advice class this way, and a URL would
    // open a connection for each.
    JarEntry entry = jar.getJarEntry(PREFIX + name);
    if (entry == null) {
      return super.getResourceAsStream(name);
    }
    try {
      return jar.getInputStream(entry);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The entry's bytes, read straight into an array of its size (the jar's directory gives it): the
   * agent's classes are read on the application's start, where a growing buffer's copies showed. A
   * zip's central directory, which a {@link JarFile} reads, always has the size.
   */
  private static byte[] readAll(InputStream in, long size) throws IOException {
    if (size < 0 || size > Integer.MAX_VALUE) {
      throw new IOException("the jar gives no size for it");
    }
    byte[] bytes = new byte[(int) size];
    int filled = 0;
    while (filled < bytes.length) {
      int read = in.read(bytes, filled, bytes.length - filled);
      if (read < 0) {
        throw new IOException("the jar's entry ended after " + filled + " of " + size + " bytes");
      }
      filled += read;
    }
    return bytes;
  }
}
