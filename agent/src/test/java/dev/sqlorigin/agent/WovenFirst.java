package dev.sqlorigin.agent;

import java.io.IOException;
import java.io.InputStream;

/**
 * Loads the woven class itself, and the other classes of its package as its parent finds them (so
 * that it reaches their package-private members); everything else from its parent.
 */
final class WovenFirst extends ClassLoader {
  private final String name;
  private final byte[] woven;
  private final String packagePrefix;

  WovenFirst(String name, byte[] woven, ClassLoader parent) {
    super(parent);
    this.name = name;
    this.woven = woven;
    this.packagePrefix = name.substring(0, name.lastIndexOf('.') + 1);
  }

  @Override
  protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(className)) {
      Class<?> loaded = findLoadedClass(className);
      if (loaded != null) {
        return loaded;
      }
      if (className.equals(name)) {
        return defineClass(className, woven, 0, woven.length);
      }
      if (className.startsWith(packagePrefix)
          && className.indexOf('.', packagePrefix.length()) < 0) {
        try (InputStream in =
            getParent().getResourceAsStream(className.replace('.', '/') + ".class")) {
          if (in != null) {
            byte[] classFile = in.readAllBytes();
            return defineClass(className, classFile, 0, classFile.length);
          }
        } catch (IOException unreadable) {
          throw new ClassNotFoundException(className, unreadable);
        }
      }
      return super.loadClass(className, resolve);
    }
  }
}
