package dev.sqlorigin.agent;

import java.nio.charset.StandardCharsets;

/**
 * The start of a class file: its name, whether it is an interface, its super class and its
 * interfaces (internal names, {@code java/sql/Statement}), and, when asked, whether it declares a
 * method of one of some names. Reading it walks the constant pool and, for the names, skips over
 * the fields and methods to their names, without the descriptors, code and attributes that Byte
 * Buddy's type pool parses.
 */
final class ClassHeader {

  private static final int ACC_INTERFACE = 0x0200;
  // The super class of most classes, and never a wanted one: left out, not read into a string (in
  // a Spring Boot application's classes, 40 % of the super types named).
  private static final byte[] OBJECT = "java/lang/Object".getBytes(StandardCharsets.US_ASCII);
  // The offsets of the constants of the class being read, per thread (never two at once on one:
  // the filter is not re-entered from inside itself). Not withInitial's lambda: a class spun at
  // start for one array.
  private static final ThreadLocal<int[]> OFFSETS =
      new ThreadLocal<int[]>() {
        @Override
        protected int[] initialValue() {
          return new int[1024];
        }
      };

  final String name;
  final boolean isInterface;

  /**
   * The super class and the interfaces, but never {@code java/lang/Object}: the super class is
   * absent for it, for an interface and for a class that extends nothing else. Null when the class
   * declares none of the method names asked about: not read then, nobody asks.
   */
  final String[] superTypes;

  /** Whether a class declares a method of the names asked about (true when none were asked). */
  final boolean declaresNamedMethod;

  private ClassHeader(
      String name, boolean isInterface, String[] superTypes, boolean declaresNamedMethod) {
    this.name = name;
    this.isInterface = isInterface;
    this.superTypes = superTypes;
    this.declaresNamedMethod = declaresNamedMethod;
  }

  /**
   * The header of {@code classFile}, or null when it is not a class file this reader understands.
   */
  static ClassHeader read(byte[] classFile) {
    return read(classFile, null);
  }

  /**
   * The header of {@code classFile}, telling whether the class (not an interface: never asked)
   * declares a method named one of {@code methodNames} (null: not asked); null when it is not a
   * class file this reader understands.
   */
  static ClassHeader read(byte[] classFile, AsciiNames methodNames) {
    try {
      if (u4(classFile, 0) != 0xCAFEBABE) {
        return null;
      }
      int count = u2(classFile, 8);
      // Where each constant starts; a class constant points at a UTF-8 one. The pool has no
      // constant 0: its place holds the count, for constant() to check indexes against.
      int[] offsets = offsets(count);
      offsets[0] = count;
      int at = 10;
      for (int i = 1; i < count; i++) {
        offsets[i] = at;
        int tag = classFile[at] & 0xFF;
        switch (tag) {
          case 1: // Utf8
            at += 3 + u2(classFile, at + 1);
            break;
          case 7:
          case 8:
          case 16:
          case 19:
          case 20: // Class, String, MethodType, Module, Package
            at += 3;
            break;
          case 15: // MethodHandle
            at += 4;
            break;
          case 3:
          case 4:
          case 9:
          case 10:
          case 11:
          case 12:
          case 17:
          case 18:
            at += 5;
            break;
          case 5:
          case 6: // Long and Double take two entries
            at += 9;
            i++;
            break;
          default:
            return null;
        }
      }
      int access = u2(classFile, at);
      String name = className(classFile, offsets, u2(classFile, at + 2));
      int interfaces = u2(classFile, at + 6);
      boolean isInterface = (access & ACC_INTERFACE) != 0;
      boolean declares =
          methodNames == null
              || !isInterface
                  && declaresMethod(classFile, offsets, at + 8 + 2 * interfaces, methodNames);
      return new ClassHeader(
          name,
          isInterface,
          declares ? superTypes(classFile, offsets, at, interfaces) : null,
          declares);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  /** The super types of the class whose access flags are {@code at}. */
  private static String[] superTypes(byte[] classFile, int[] offsets, int at, int interfaces) {
    int superIndex = u2(classFile, at + 4);
    boolean extendsObject = superIndex == 0 || isObject(classFile, offsets, superIndex);
    String[] superTypes = new String[(extendsObject ? 0 : 1) + interfaces];
    int next = 0;
    if (!extendsObject) {
      superTypes[next++] = className(classFile, offsets, superIndex);
    }
    for (int i = 0; i < interfaces; i++) {
      superTypes[next++] = className(classFile, offsets, u2(classFile, at + 8 + 2 * i));
    }
    return superTypes;
  }

  /**
   * An array of at least {@code count} offsets, the thread's own: a new one for each class read was
   * a sixth of what the filter allocated, and reusing it took a fifth off a cold pass over the
   * classes of a Spring Boot application (the fresh memory's page faults among it). An array of
   * offsets holds on to no class loader.
   */
  private static int[] offsets(int count) {
    int[] offsets = OFFSETS.get();
    if (offsets.length < count) {
      offsets = new int[Math.max(count, 2 * offsets.length)];
      OFFSETS.set(offsets);
    }
    return offsets;
  }

  /** Whether the fields and methods starting {@code at} declare a method of {@code names}. */
  private static boolean declaresMethod(byte[] classFile, int[] offsets, int at, AsciiNames names) {
    at = skipFields(classFile, at);
    int methods = u2(classFile, at);
    at += 2;
    for (int i = 0; i < methods; i++) {
      // Access, name, descriptor, then the attributes.
      int name = constant(offsets, u2(classFile, at + 2));
      if (names.contains(classFile, name + 3, u2(classFile, name + 1))) {
        return true;
      }
      at = skipAttributes(classFile, at + 6);
    }
    return false;
  }

  /** Where the fields starting {@code at} (a count, then each field) end. */
  private static int skipFields(byte[] classFile, int at) {
    int count = u2(classFile, at);
    at += 2;
    for (int i = 0; i < count; i++) {
      at = skipAttributes(classFile, at + 6);
    }
    return at;
  }

  /** Where the attributes starting {@code at} (a count, then each attribute) end. */
  private static int skipAttributes(byte[] classFile, int at) {
    int count = u2(classFile, at);
    at += 2;
    for (int i = 0; i < count; i++) {
      at += 6 + u4(classFile, at + 2);
    }
    return at;
  }

  /** The UTF-8 constant at {@code utf8}, or null when it is not plain ASCII. */
  private static String ascii(byte[] classFile, int utf8) {
    int start = utf8 + 3;
    int end = start + u2(classFile, utf8 + 1);
    for (int i = start; i < end; i++) {
      if (classFile[i] <= 0) {
        return null;
      }
    }
    // ASCII read as Latin-1: copied once into the string's own bytes (compact strings), where a
    // char array first was a second copy of every class's name.
    return new String(classFile, start, end - start, StandardCharsets.ISO_8859_1);
  }

  /** Whether class constant {@code classIndex} names {@code java/lang/Object}. */
  private static boolean isObject(byte[] classFile, int[] offsets, int classIndex) {
    int utf8 = constant(offsets, u2(classFile, constant(offsets, classIndex) + 1));
    if (u2(classFile, utf8 + 1) != OBJECT.length) {
      return false;
    }
    for (int i = 0; i < OBJECT.length; i++) {
      if (classFile[utf8 + 3 + i] != OBJECT[i]) {
        return false;
      }
    }
    return true;
  }

  private static String className(byte[] classFile, int[] offsets, int classIndex) {
    String name =
        ascii(classFile, constant(offsets, u2(classFile, constant(offsets, classIndex) + 1)));
    if (name == null) {
      // Not ASCII (modified UTF-8): rare enough to leave to ASM's reader.
      throw new IllegalArgumentException("non-ASCII class name");
    }
    return name;
  }

  /**
   * Where constant {@code index} starts; malformed (caught as such) when the pool has none of that
   * index: the array is the thread's, and longer than this class's pool.
   */
  private static int constant(int[] offsets, int index) {
    if (index <= 0 || index >= offsets[0]) {
      throw new IllegalArgumentException("no constant " + index);
    }
    return offsets[index];
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static int u4(byte[] b, int at) {
    return (u2(b, at) << 16) | u2(b, at + 2);
  }
}
