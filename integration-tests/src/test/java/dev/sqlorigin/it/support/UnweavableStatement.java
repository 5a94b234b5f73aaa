package dev.sqlorigin.it.support;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * A {@code java.sql.Statement} that the agent must instrument and cannot: its {@code
 * executeQuery(String)} is so close to the JVM's 64 KB limit on a method's code that the advice
 * does not fit (as with generated code). The JVM loads it; the weaver fails on it. Written as a
 * class file with the application's own copy of ASM (inside its Byte Buddy).
 */
public final class UnweavableStatement {

  public static final String NAME = "dev.sqlorigin.it.generated.HugeStatement";

  // The longest code a method may have is 65,535 bytes: a few bytes of room, not enough for advice.
  private static final int PADDING = 65_500;

  private UnweavableStatement() {}

  /** Writes the class under {@code directory} (a class-path root) and returns that directory. */
  public static Path writeTo(Path directory) throws IOException {
    String internal = NAME.replace('.', '/');
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
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
        // Straight-line padding (no branch, so no stack map frames), then "return null".
        for (int i = 0; i < PADDING; i++) {
          code.visitInsn(Opcodes.NOP);
        }
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
    Path file = directory.resolve(internal + ".class");
    Files.createDirectories(file.getParent());
    Files.write(file, writer.toByteArray());
    return directory;
  }
}
