package dev.sqlorigin.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;

/**
 * Serves the class files of advice applied to a package twin (see {@link
 * TypeInstrumentation#advise(net.bytebuddy.matcher.ElementMatcher, Class, String, String)}): the
 * written advice class, renamed, with every reference to the package it is written against renamed
 * to its twin. Any other name is left to the next locator.
 */
final class PackageTwin implements ClassFileLocator {

  private final ClassLoader adviceLoader;
  private final Map<String, TypeInstrumentation.MethodAdvice> twins = new HashMap<>();
  private final Map<String, byte[]> renamed = new ConcurrentHashMap<>();

  PackageTwin(ClassLoader adviceLoader, List<TypeInstrumentation.MethodAdvice> twins) {
    this.adviceLoader = adviceLoader;
    for (TypeInstrumentation.MethodAdvice twin : twins) {
      this.twins.put(twin.adviceClass(), twin);
    }
  }

  @Override
  public Resolution locate(String name) throws IOException {
    TypeInstrumentation.MethodAdvice twin = twins.get(name);
    if (twin == null) {
      return new Resolution.Illegal(name);
    }
    byte[] bytes = renamed.get(name);
    if (bytes == null) {
      bytes = rename(twin);
      renamed.put(name, bytes);
    }
    return new Resolution.Explicit(bytes);
  }

  private byte[] rename(TypeInstrumentation.MethodAdvice twin) throws IOException {
    String written = internal(twin.writtenClass());
    String as = internal(twin.adviceClass());
    String from = internal(twin.writtenFor()) + '/';
    String to = internal(twin.twin()) + '/';
    try (InputStream in = adviceLoader.getResourceAsStream(written + ".class")) {
      if (in == null) {
        throw new IOException("no class file for " + twin.writtenClass());
      }
      ClassWriter writer = new ClassWriter(0);
      new ClassReader(in)
          .accept(
              new ClassRemapper(
                  writer,
                  new Remapper() {
                    @Override
                    public String map(String internalName) {
                      if (internalName.equals(written)) {
                        return as;
                      }
                      return internalName.startsWith(from)
                          ? to + internalName.substring(from.length())
                          : internalName;
                    }
                  }),
              0);
      return writer.toByteArray();
    }
  }

  private static String internal(String name) {
    return name.replace('.', '/');
  }

  @Override
  public void close() {}
}
