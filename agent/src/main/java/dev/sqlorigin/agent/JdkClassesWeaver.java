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
   * has not both. The calls take no branch and no local, so the methods' frames stay as they are.
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
              return new EntryCall(method, descriptor, "classFile", "[B", true);
            }
            if (descriptor.equals(BUFFER_DEFINED)) {
              woven[0]++;
              return new EntryCall(method, descriptor, "onHeap", "Ljava/nio/ByteBuffer;", false);
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

  /**
   * At the entry of a {@code defineClass}: its class file (the argument in slot 2) becomes what
   * {@code name} returns, given the loader and every argument; for a slice of an array ({@code
   * sliced}), the offset and the length (slots 3 and 4) become what {@code offset} and {@code
   * length} return for the array returned and the one given.
   */
  private static final class EntryCall extends MethodVisitor {
    private final Type[] parameters;
    private final String name;
    private final String descriptor;
    private final boolean sliced;

    EntryCall(
        MethodVisitor method,
        String methodDescriptor,
        String name,
        String classFileType,
        boolean sliced) {
      super(Opcodes.ASM9, method);
      this.parameters = Type.getArgumentTypes(methodDescriptor);
      this.name = name;
      this.descriptor =
          "(Ljava/lang/ClassLoader;"
              + methodDescriptor.substring(1, methodDescriptor.indexOf(')') + 1)
              + classFileType;
      this.sliced = sliced;
    }

    @Override
    public void visitCode() {
      super.visitCode();
      super.visitVarInsn(Opcodes.ALOAD, 0);
      int slot = 1;
      for (Type parameter : parameters) {
        super.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), slot);
        slot += parameter.getSize();
      }
      call(name, descriptor);
      if (sliced) {
        replace(3, "offset");
        replace(4, "length");
      }
      super.visitVarInsn(Opcodes.ASTORE, 2);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
      // The loader and the arguments, all on the stack for the call at the entry.
      super.visitMaxs(Math.max(maxStack, 1 + parameters.length), maxLocals);
    }

    private void call(String method, String methodDescriptor) {
      super.visitMethodInsn(Opcodes.INVOKESTATIC, DEFINITIONS, method, methodDescriptor, false);
    }

    /**
     * With the array returned on the stack: {@code slot} = {@code method(returned, given, slot)}.
     */
    private void replace(int slot, String method) {
      super.visitInsn(Opcodes.DUP);
      super.visitVarInsn(Opcodes.ALOAD, 2);
      super.visitVarInsn(Opcodes.ILOAD, slot);
      call(method, "([B[BI)I");
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
