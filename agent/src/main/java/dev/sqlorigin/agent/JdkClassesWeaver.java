package dev.sqlorigin.agent;

import dev.sqlorigin.classloading.ClassDefinitions;
import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.log.AgentLog;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves {@link JdkMethodHook}s into the JDK's class files, with ASM alone: no type descriptions,
 * no advice to read. The calls woven take no branch and no local of their own, so the class's stack
 * map frames stay valid as they are, and the methods not hooked are copied through unread.
 */
final class JdkClassesWeaver {

  private JdkClassesWeaver() {}

  /**
   * {@code classFile}, of the JDK's {@code className}, with {@code hooks} woven in; null when no
   * method matched, or when this ASM cannot read it (a JDK newer than it knows): the class then
   * stays as it is, and so will the others, said once.
   */
  static byte[] weaveOrLeave(String className, byte[] classFile, List<JdkMethodHook> hooks) {
    try {
      return weave(classFile, hooks);
    } catch (RuntimeException e) {
      AgentLog.warnOnce(
          "jdk-weave",
          "sqlorigin could not weave the JDK's "
              + className
              + " (nor, likely, its other classes): work handed to executors may carry no request"
              + " context, and the JMX MBean may be missing: "
              + e,
          null);
      return null;
    }
  }

  /** {@code classFile} with {@code hooks} woven in, or null when no method matched. */
  static byte[] weave(byte[] classFile, List<JdkMethodHook> hooks) {
    // A JDK newer than this ASM is refused here (see weaveOrLeave).
    ClassReader reader = new ClassReader(classFile);
    // Given the reader, the writer copies the constant pool and every method no visitor changes.
    ClassWriter writer = new ClassWriter(reader, 0);
    boolean[] changed = {false};
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor method =
                super.visitMethod(access, name, descriptor, signature, exceptions);
            List<JdkMethodHook> matched = matching(hooks, access, name, descriptor);
            if (matched.isEmpty()) {
              return method;
            }
            changed[0] = true;
            return new HookedMethod(method, access, descriptor, matched);
          }
        },
        0);
    return changed[0] ? writer.toByteArray() : null;
  }

  private static final String DEFINITIONS = Type.getInternalName(ClassDefinitions.class);
  private static final String CLASS_FILE_DEFINED =
      "(Ljava/lang/String;[BIILjava/security/ProtectionDomain;)Ljava/lang/Class;";
  private static final String BUFFER_DEFINED =
      "(Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/security/ProtectionDomain;)Ljava/lang/Class;";

  /**
   * {@code java.lang.ClassLoader}'s class file with {@link ClassDefinitions}' calls at the entry of
   * the two {@code defineClass} methods every other one ends in: the class file in an array (its
   * array, offset and length become what {@code classFile}, {@code offset} and {@code length}
   * return) and in a buffer (a direct one becomes an array's, {@code onHeap}). Throws when this JDK
   * has not both.
   */
  static byte[] weaveClassDefinitions(byte[] classLoaderFile) {
    ClassReader reader = new ClassReader(classLoaderFile);
    ClassWriter writer = new ClassWriter(reader, 0);
    int[] woven = {0};
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            MethodVisitor method =
                super.visitMethod(access, name, descriptor, signature, exceptions);
            boolean instance = (access & Opcodes.ACC_STATIC) == 0;
            if (!instance || !name.equals("defineClass")) {
              return method;
            }
            if (descriptor.equals(CLASS_FILE_DEFINED)) {
              woven[0]++;
              return new EntryCalls(method, 6) {
                @Override
                void atEntry() {
                  // this, name, classFile, offset, length, domain: slots 0 to 5.
                  super.visitVarInsn(Opcodes.ALOAD, 0);
                  super.visitVarInsn(Opcodes.ALOAD, 1);
                  super.visitVarInsn(Opcodes.ALOAD, 2);
                  super.visitVarInsn(Opcodes.ILOAD, 3);
                  super.visitVarInsn(Opcodes.ILOAD, 4);
                  super.visitVarInsn(Opcodes.ALOAD, 5);
                  call(
                      "classFile",
                      "(Ljava/lang/ClassLoader;Ljava/lang/String;[BII"
                          + "Ljava/security/ProtectionDomain;)[B");
                  replace(3, "offset");
                  replace(4, "length");
                  super.visitVarInsn(Opcodes.ASTORE, 2);
                }
              };
            }
            if (descriptor.equals(BUFFER_DEFINED)) {
              woven[0]++;
              return new EntryCalls(method, 2) {
                @Override
                void atEntry() {
                  super.visitVarInsn(Opcodes.ALOAD, 0);
                  super.visitVarInsn(Opcodes.ALOAD, 2);
                  call(
                      "onHeap",
                      "(Ljava/lang/ClassLoader;Ljava/nio/ByteBuffer;)Ljava/nio/ByteBuffer;");
                  super.visitVarInsn(Opcodes.ASTORE, 2);
                }
              };
            }
            return method;
          }
        },
        0);
    if (woven[0] != 2) {
      throw new IllegalStateException(
          "java.lang.ClassLoader has " + woven[0] + " of the 2 defineClass methods expected");
    }
    return writer.toByteArray();
  }

  /** Calls woven at a method's entry, using at most {@code stack} more slots of its stack. */
  private abstract static class EntryCalls extends MethodVisitor {
    private final int stack;

    EntryCalls(MethodVisitor method, int stack) {
      super(Opcodes.ASM9, method);
      this.stack = stack;
    }

    abstract void atEntry();

    @Override
    public void visitCode() {
      super.visitCode();
      atEntry();
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      super.visitMaxs(Math.max(maxStack, stack), maxLocals);
    }

    void call(String name, String descriptor) {
      super.visitMethodInsn(Opcodes.INVOKESTATIC, DEFINITIONS, name, descriptor, false);
    }

    /**
     * With the array {@code classFile} returned on the stack: the int in {@code slot} (offset or
     * length) becomes {@code name(returned, given array, itself)}; the array stays on the stack.
     */
    void replace(int slot, String name) {
      super.visitInsn(Opcodes.DUP);
      super.visitVarInsn(Opcodes.ALOAD, 2);
      super.visitVarInsn(Opcodes.ILOAD, slot);
      call(name, "([B[BI)I");
      super.visitVarInsn(Opcodes.ISTORE, slot);
    }
  }

  private static List<JdkMethodHook> matching(
      List<JdkMethodHook> hooks, int access, String name, String descriptor) {
    List<JdkMethodHook> matched = new ArrayList<>(0);
    Type[] parameterTypes = Type.getArgumentTypes(descriptor);
    String[] parameters = new String[parameterTypes.length];
    for (int i = 0; i < parameters.length; i++) {
      parameters[i] = parameterTypes[i].getDescriptor();
    }
    String returned = Type.getReturnType(descriptor).getDescriptor();
    for (JdkMethodHook hook : hooks) {
      if (hook.matches(access, name, parameters, returned)) {
        matched.add(hook);
      }
    }
    return matched;
  }

  /** One method's code with the hooks' calls: at its entry, and before each of its returns. */
  private static final class HookedMethod extends MethodVisitor {
    private final int access;
    private final Type[] parameters;
    private final List<JdkMethodHook> hooks;

    HookedMethod(MethodVisitor method, int access, String descriptor, List<JdkMethodHook> hooks) {
      super(Opcodes.ASM9, method);
      this.access = access;
      this.parameters = Type.getArgumentTypes(descriptor);
      this.hooks = hooks;
    }

    @Override
    public void visitCode() {
      super.visitCode();
      for (JdkMethodHook hook : hooks) {
        if (hook.atEntry()) {
          // argument = hook(argument): the same type in the same slot, so no frame changes.
          int slot = slotOf(hook.argument());
          super.visitVarInsn(Opcodes.ALOAD, slot);
          call(hook);
          super.visitVarInsn(Opcodes.ASTORE, slot);
        }
      }
    }

    @Override
    public void visitInsn(int opcode) {
      if (opcode == Opcodes.ARETURN) {
        for (JdkMethodHook hook : hooks) {
          if (!hook.atEntry()) {
            super.visitInsn(Opcodes.DUP);
            call(hook);
          }
        }
      }
      super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      // One more value at most: the argument or the duplicated result, then the call's own.
      super.visitMaxs(maxStack + 1, maxLocals);
    }

    private void call(JdkMethodHook hook) {
      super.visitMethodInsn(
          Opcodes.INVOKESTATIC, hook.hookClass(), hook.hookName(), hook.hookDescriptor(), false);
    }

    private int slotOf(int argument) {
      int slot = (access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
      for (int i = 0; i < argument; i++) {
        slot += parameters[i].getSize();
      }
      return slot;
    }
  }
}
