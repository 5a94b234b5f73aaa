package dev.sqlorigin.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;

/**
 * The super types of classes, as the JVM holds them for the classes loaded already ({@link
 * LoadedClasses}), read from class files as a class loader finds them for the others (never by
 * loading a class: a class loaded from inside a transformer is transformed by nobody), kept per
 * loader. Weakly: a redeployed web application's loader goes when nothing else holds it.
 */
final class Hierarchies {

  // A type whose class file cannot be read (a missing optional dependency, a generated class).
  private static final String[] UNREADABLE = new String[0];
  // Deeper than this is a broken class file's cycle, or nothing the weaver wants.
  private static final int MAX_TYPES = 256;

  private final Map<ClassLoader, Map<String, String[]>> direct =
      Collections.synchronizedMap(new WeakHashMap<>());
  private final LoadedClasses loaded;

  Hierarchies(LoadedClasses loaded) {
    this.loaded = loaded;
  }

  /**
   * The internal names of the class {@code name}, whose direct super types (super class and
   * interfaces) are {@code superTypes}, and of all its super types, as {@code loader} finds them;
   * null when one cannot be read.
   */
  Set<String> of(ClassLoader loader, String name, String[] superTypes) {
    Set<String> names = new HashSet<>();
    names.add(name);
    Deque<String> pending = new ArrayDeque<>();
    Collections.addAll(pending, superTypes);
    while (!pending.isEmpty()) {
      String next = pending.poll();
      if (!names.add(next)) {
        continue;
      }
      if (names.size() > MAX_TYPES) {
        return null;
      }
      String[] up = superTypes(loader, next);
      if (up == UNREADABLE) {
        return null;
      }
      Collections.addAll(pending, up);
    }
    return names;
  }

  /** As {@link #of(ClassLoader, String, String[])}, the class itself read from its class file. */
  Set<String> of(ClassLoader loader, String name) {
    String[] up = superTypes(loader, name);
    return up == UNREADABLE ? null : of(loader, name, up);
  }

  private String[] superTypes(ClassLoader loader, String name) {
    Map<String, String[]> known =
        direct.computeIfAbsent(
            loader == null ? ClassLoader.getPlatformClassLoader() : loader,
            key -> new ConcurrentHashMap<>());
    String[] up = known.get(name);
    if (up == null) {
      up = loader == null ? null : loaded.superTypes(loader, name);
      if (up == null) {
        up = read(loader, name);
      }
      known.put(name, up);
    }
    return up;
  }

  /** The super class, if any, then the interfaces of the class {@code reader} reads. */
  static String[] superTypes(ClassReader reader) {
    String superName = reader.getSuperName();
    String[] interfaces = reader.getInterfaces();
    if (superName == null) {
      return interfaces;
    }
    String[] up = new String[interfaces.length + 1];
    up[0] = superName;
    System.arraycopy(interfaces, 0, up, 1, interfaces.length);
    return up;
  }

  private static String[] read(ClassLoader loader, String name) {
    ClassLoader finder = loader == null ? ClassLoader.getSystemClassLoader() : loader;
    try (InputStream in = finder.getResourceAsStream(name + ".class")) {
      if (in == null) {
        return UNREADABLE;
      }
      return superTypes(new ClassReader(in));
    } catch (IOException | RuntimeException unreadable) {
      return UNREADABLE;
    }
  }
}
