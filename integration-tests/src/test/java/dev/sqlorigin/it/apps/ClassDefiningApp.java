package dev.sqlorigin.it.apps;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Defines a {@code java.sql.Statement} of its own once the agent's instrumentation is built (its
 * {@code sqlorigin-init} thread has ended), in class loaders of its own, through the two ways a
 * class file reaches {@code ClassLoader.defineClass}: a slice of an array, and a direct buffer.
 * Then a statement whose super class no loader serves the class file of, once that super class is
 * loaded: the agent finds its super types where the JVM holds them. Prints whether each came out
 * woven, then "listening on port 0" (what the tests wait for), and exits.
 */
public final class ClassDefiningApp {

  /** The statement defined: abstract but for the method the weaver advises. */
  public abstract static class DefinedStatement implements Statement {
    @Override
    public boolean execute(String sql) {
      return false;
    }
  }

  /** A statement that declares none of the methods the weaver advises. */
  public abstract static class QuietStatement implements Statement {}

  /** Extends one, and declares a method the weaver advises. */
  public abstract static class ExecutingStatement extends QuietStatement {
    @Override
    public boolean execute(String sql) {
      return false;
    }
  }

  public static void main(String[] args) throws Exception {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals("sqlorigin-init")) {
        thread.join();
      }
    }
    String name = DefinedStatement.class.getName();
    byte[] classFile = classFile(name);
    byte[] padded = new byte[classFile.length + 7];
    System.arraycopy(classFile, 0, padded, 3, classFile.length);
    System.out.println("array slice woven: " + woven(new Definer().define(name, padded, 3)));
    ByteBuffer direct = ByteBuffer.allocateDirect(classFile.length);
    direct.put(classFile).flip();
    System.out.println("direct buffer woven: " + woven(new Definer().define(name, direct)));
    Isolated isolated = new Isolated(QuietStatement.class, ExecutingStatement.class);
    isolated.loadClass(QuietStatement.class.getName());
    System.out.println(
        "subclass of a loaded super class woven: "
            + woven(isolated.loadClass(ExecutingStatement.class.getName())));
    System.out.println("listening on port 0");
  }

  private static byte[] classFile(String name) throws IOException {
    try (InputStream in =
        ClassDefiningApp.class.getResourceAsStream(
            name.substring(name.lastIndexOf('.') + 1) + ".class")) {
      return in.readAllBytes();
    }
  }

  /** Whether the weaver moved a method of {@code type} (under its prefix) to advise it. */
  private static boolean woven(Class<?> type) {
    for (Method method : type.getDeclaredMethods()) {
      if (method.getName().startsWith("sqlorigin$")) {
        return true;
      }
    }
    return false;
  }

  /**
   * A loader of classes it holds the class files of, and serves none of them as a resource: the
   * agent cannot read them, and the JDK's platform loader above it cannot either.
   */
  private static final class Isolated extends ClassLoader {
    private final Map<String, byte[]> classFiles = new HashMap<>();

    Isolated(Class<?>... types) throws IOException {
      super(ClassLoader.getPlatformClassLoader());
      for (Class<?> type : types) {
        classFiles.put(type.getName(), classFile(type.getName()));
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] classFile = classFiles.get(name);
      if (classFile == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, classFile, 0, classFile.length);
    }
  }

  /** A loader of its own: the class is defined anew, beside the application loader's copy. */
  private static final class Definer extends ClassLoader {
    Definer() {
      super(ClassDefiningApp.class.getClassLoader());
    }

    Class<?> define(String name, byte[] padded, int offset) {
      return defineClass(name, padded, offset, padded.length - 7);
    }

    Class<?> define(String name, ByteBuffer classFile) {
      return defineClass(name, classFile, null);
    }
  }
}
