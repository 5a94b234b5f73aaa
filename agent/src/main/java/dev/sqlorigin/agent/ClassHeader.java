package dev.sqlorigin.agent;

import java.util.Set;

/**
 * The start of a class file: its name, whether it is an interface, its super class and its
 * interfaces (internal names, {@code java/sql/Statement}), and, when asked, whether it declares a
 * method of one of some names. Reading it walks the constant pool and, for the names, skips over
 * the fields and methods to their names, without the descriptors, code and attributes that Byte
 * Buddy's type pool parses.
 */
final class ClassHeader {

  private static final int ACC_INTERFACE = 0x0200;

  final String name;
  final boolean isInterface;

  /** The super class and the interfaces; the super class is absent for {@code java/lang/Object}. */
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
  static ClassHeader read(byte[] classFile, Set<String> methodNames) {
    try {
      if (u4(classFile, 0) != 0xCAFEBABE) {
        return null;
      }
      int count = u2(classFile, 8);
      // Where each constant starts; a class constant points at a UTF-8 one.
      int[] offsets = new int[count];
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
      int superIndex = u2(classFile, at + 4);
      int interfaces = u2(classFile, at + 6);
      String[] superTypes = new String[(superIndex == 0 ? 0 : 1) + interfaces];
      int next = 0;
      if (superIndex != 0) {
        superTypes[next++] = className(classFile, offsets, superIndex);
      }
      for (int i = 0; i < interfaces; i++) {
        superTypes[next++] = className(classFile, offsets, u2(classFile, at + 8 + 2 * i));
      }
      boolean isInterface = (access & ACC_INTERFACE) != 0;
      boolean declares =
          methodNames == null
              || !isInterface
                  && declaresMethod(classFile, offsets, at + 8 + 2 * interfaces, methodNames);
      return new ClassHeader(name, isInterface, superTypes, declares);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  /** Whether the fields and methods starting {@code at} declare a method of {@code names}. */
  private static boolean declaresMethod(
      byte[] classFile, int[] offsets, int at, Set<String> names) {
    at = skipFields(classFile, at);
    int methods = u2(classFile, at);
    at += 2;
    for (int i = 0; i < methods; i++) {
      // Access, name, descriptor, then the attributes.
      String name = ascii(classFile, offsets[u2(classFile, at + 2)]);
      if (name != null && names.contains(name)) {
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
    int length = u2(classFile, utf8 + 1);
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      int b = classFile[utf8 + 3 + i];
      if (b <= 0) {
        return null;
      }
      chars[i] = (char) b;
    }
    return new String(chars);
  }

  private static String className(byte[] classFile, int[] offsets, int classIndex) {
    String name = ascii(classFile, offsets[u2(classFile, offsets[classIndex] + 1)]);
    if (name == null) {
      // Not ASCII (modified UTF-8): rare enough to leave to ASM's reader.
      throw new IllegalArgumentException("non-ASCII class name");
    }
    return name;
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static int u4(byte[] b, int at) {
    return (u2(b, at) << 16) | u2(b, at + 2);
  }
}
