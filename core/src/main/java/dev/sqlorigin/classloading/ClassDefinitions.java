package dev.sqlorigin.classloading;

import java.nio.ByteBuffer;
import java.security.ProtectionDomain;
import java.util.Arrays;

/**
 * Where the class files a class loader defines pass through the agent's weaver, from calls the
 * agent weaves into {@code java.lang.ClassLoader}'s {@code defineClass} methods at start-up.
 *
 * <p>The JVM's own hook for this (a {@code ClassFileTransformer}) copies every class file it loads
 * into a Java array and calls into Java with it, the JDK's own classes too, and reads the class
 * files of the classes it shares from its archive to do so: on a Spring Boot application with
 * 11,000 classes, a transformer that does nothing added 0.2-0.3 s to the start. Here the class file
 * is already an array, and the JDK's classes, defined by the bootstrap loader or from the archive,
 * never come by.
 *
 * <p>The calls take no branch and no local of their own ({@link #classFile}, then {@link #offset}
 * and {@link #length} on what it returned), so {@code defineClass}'s stack map frames stay as they
 * are. None of them throws.
 */
public final class ClassDefinitions {

  /** What a class file on its way to the JVM goes through. */
  public interface Weaver {
    /**
     * The class file to define instead of {@code classFile}, or null to define it as it is. {@code
     * className} is in internal form ({@code com/example/Foo}), or null when the loader gave none.
     */
    byte[] transform(
        ClassLoader loader, String className, ProtectionDomain domain, byte[] classFile);
  }

  // Not a lambda: this class is initialised from inside defineClass, where spinning one would
  // define a class more.
  private static final Weaver NONE =
      new Weaver() {
        @Override
        public byte[] transform(
            ClassLoader loader, String className, ProtectionDomain domain, byte[] classFile) {
          return null;
        }
      };

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  private static volatile Weaver weaver = NONE;

  // A class defined from inside the weaver, on its thread (its own classes, a super type a check
  // loads), is defined as it is, as the JVM's hook does: the weaver is not re-entered. A flag that
  // stays on each thread that defines a class: a boolean[] holds on to no class loader, whereas
  // adding and removing the thread's entry around every definition took ~14 ms of a Spring Boot
  // application's main thread at start (12,000 classes; async-profiler). Not withInitial's lambda,
  // for the reason above.
  private static final ThreadLocal<boolean[]> WEAVING =
      new ThreadLocal<boolean[]>() {
        @Override
        protected boolean[] initialValue() {
          return new boolean[1];
        }
      };

  private ClassDefinitions() {}

  /** Sends the classes defined from now on through {@code to}; null: through nothing. */
  public static void install(Weaver to) {
    weaver = to == null ? NONE : to;
  }

  /**
   * Called at the entry of {@code ClassLoader.defineClass(String, byte[], int, int,
   * ProtectionDomain)}: the array to define, {@code classFile} itself or a new one holding the
   * woven class file from its start.
   */
  public static byte[] classFile(
      ClassLoader loader,
      String name,
      byte[] classFile,
      int offset,
      int length,
      ProtectionDomain domain) {
    Weaver to = weaver;
    if (to == NONE
        || classFile == null
        || offset < 0
        || length < 0
        || offset > classFile.length - length) {
      return classFile; // out of the array: defineClass throws for it next
    }
    boolean[] weaving = WEAVING.get();
    if (weaving[0]) {
      return classFile;
    }
    weaving[0] = true;
    try {
      byte[] whole =
          offset == 0 && length == classFile.length
              ? classFile
              : Arrays.copyOfRange(classFile, offset, offset + length);
      byte[] woven =
          to.transform(loader, name == null ? null : name.replace('.', '/'), domain, whole);
      return woven == null ? classFile : woven;
    } catch (Throwable t) {
      // A weaver that failed (it says why itself): the class is defined as it was given.
      return classFile;
    } finally {
      weaving[0] = false;
    }
  }

  /** The offset to define from, once {@link #classFile} gave {@code defined} for {@code given}. */
  public static int offset(byte[] defined, byte[] given, int offset) {
    return defined == given ? offset : 0;
  }

  /** The length to define, once {@link #classFile} gave {@code defined} for {@code given}. */
  public static int length(byte[] defined, byte[] given, int length) {
    return defined == given ? length : defined.length;
  }

  /**
   * Called at the entry of {@code ClassLoader.defineClass(String, ByteBuffer, ProtectionDomain)},
   * with its loader and arguments: a direct buffer's class file copied onto the heap, for a loader
   * the weaver may change classes of, so that it goes on through the array variant, where {@link
   * #classFile} sees it. Buffers on the heap go there anyway; the JDK's loaders' classes stay where
   * they are.
   */
  public static ByteBuffer onHeap(
      ClassLoader loader, String name, ByteBuffer classFile, ProtectionDomain domain) {
    if (weaver == NONE || classFile == null || !classFile.isDirect() || loader == PLATFORM) {
      return classFile;
    }
    try {
      ByteBuffer copy = ByteBuffer.allocate(classFile.remaining());
      copy.put(classFile.duplicate());
      copy.flip();
      return copy;
    } catch (Throwable t) {
      return classFile;
    }
  }
}
