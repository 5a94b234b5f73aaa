package dev.sqlorigin.it.support;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * A {@code java.sql.Statement} that the agent must instrument and cannot: its constant pool is so
 * close to the JVM's limit of 65,535 entries that the names the advice brings do not fit (as with
 * generated code). The JVM loads it; the weaver fails on it. Written as a class file with the
 * application's own copy of ASM (inside its Byte Buddy).
 */
public final class UnweavableStatement {

  public static final String NAME = "dev.sqlorigin.it.generated.HugeStatement";

  // A constant pool holds at most 65,535 entries: room for a few, not for the advice's names.
  private static final int ENTRIES = 65_525;

  private UnweavableStatement() {}

  /** Writes the class under {@code directory} (a class-path root) and returns that directory. */
  public static Path writeTo(Path directory) throws IOException {
    String internal = NAME.replace('.', '/');
    // Padded once to learn how many entries the class itself has, then to the count wanted.
    int own = new ClassReader(write(internal, 0)).getItemCount();
    Path file = directory.resolve(internal + ".class");
    Files.createDirectories(file.getParent());
    Files.write(file, write(internal, ENTRIES - own));
    return directory;
  }

  /** The class, with {@code padding} constants that nothing uses. */
  private static byte[] write(String internal, int padding) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    for (int i = 0; i < padding; i++) {
      writer.newUTF8("padding " + i);
    }
    writer.visit(
        Opcodes.V1_8,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER,
        internal,
        null,
        "java/lang/Object",
        new String[] {Type.getInternalName(Statement.class)});
    MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    for (Method method : Statement.class.getMethods()) {
      if (method.isDefault() || Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      MethodVisitor code =
          writer.visitMethod(
              Opcodes.ACC_PUBLIC, method.getName(), Type.getMethodDescriptor(method), null, null);
      code.visitCode();
      if (method.getName().equals("executeQuery")) {
        code.visitInsn(Opcodes.ACONST_NULL);
        code.visitInsn(Opcodes.ARETURN);
      } else {
        code.visitTypeInsn(Opcodes.NEW, "java/lang/UnsupportedOperationException");
        code.visitInsn(Opcodes.DUP);
        code.visitMethodInsn(
            Opcodes.INVOKESPECIAL,
            "java/lang/UnsupportedOperationException",
            "<init>",
            "()V",
            false);
        code.visitInsn(Opcodes.ATHROW);
      }
      code.visitMaxs(0, 0);
      code.visitEnd();
    }
    writer.visitEnd();
    return writer.toByteArray();
  }
}
