package dev.sqlorigin.agent;

/**
 * The start of a class file: its name, whether it is an interface, its super class and its
 * interfaces (internal names, {@code java/sql/Statement}). Reading it walks the constant pool and
 * stops there, without the fields, methods and attributes that Byte Buddy's type pool parses.
 */
final class ClassHeader {

  private static final int ACC_INTERFACE = 0x0200;

  final String name;
  final boolean isInterface;

  /** The super class and the interfaces; the super class is absent for {@code java/lang/Object}. */
  final String[] superTypes;

  private ClassHeader(String name, boolean isInterface, String[] superTypes) {
    this.name = name;
    this.isInterface = isInterface;
    this.superTypes = superTypes;
  }

  /**
   * The header of {@code classFile}, or null when it is not a class file this reader understands.
   */
  static ClassHeader read(byte[] classFile) {
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
      return new ClassHeader(name, (access & ACC_INTERFACE) != 0, superTypes);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  private static String className(byte[] classFile, int[] offsets, int classIndex) {
    int utf8 = offsets[u2(classFile, offsets[classIndex] + 1)];
    int length = u2(classFile, utf8 + 1);
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      int b = classFile[utf8 + 3 + i];
      if (b <= 0) {
        // Not ASCII (modified UTF-8): rare enough to leave to Byte Buddy's own reader.
        throw new IllegalArgumentException("non-ASCII class name");
      }
      chars[i] = (char) b;
    }
    return new String(chars);
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static int u4(byte[] b, int at) {
    return (u2(b, at) << 16) | u2(b, at + 2);
  }
}
