package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Weaves {@link JdkMethodHook}s into the bootstrap loader's classes, with ASM alone: no type
 * descriptions, no advice to read. The calls woven take no branch and no local of their own, so the
 * class's stack map frames stay valid as they are, and the methods not hooked are copied through
 * unread.
 */
final class JdkClassesWeaver implements ClassFileTransformer {

  // By internal name: the form the JVM names a class to a transformer in.
  private final Map<String, List<JdkMethodHook>> hooksByClass = new HashMap<>();

  JdkClassesWeaver(List<JdkMethodHook> hooks) {
    for (JdkMethodHook hook : hooks) {
      hooksByClass
          .computeIfAbsent(hook.className().replace('.', '/'), name -> new ArrayList<>())
          .add(hook);
    }
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    List<JdkMethodHook> hooks = loader == null ? hooksByClass.get(className) : null;
    if (hooks == null) {
      return null;
    }
    try {
      return weave(classfileBuffer, hooks);
    } catch (Throwable t) {
      // A JDK whose class files this ASM cannot read (a version newer than it knows): the class
      // stays as it is, and so will the others; said once.
      AgentLog.warnOnce(
          "jdk-weave",
          "sqlorigin could not weave the JDK's "
              + className.replace('/', '.')
              + " (nor, likely, its other classes): work handed to executors may carry no request"
              + " context, and the JMX MBean may be missing: "
              + t,
          null);
      return null;
    }
  }

  /** {@code classFile} with {@code hooks} woven in, or null when no method matched. */
  static byte[] weave(byte[] classFile, List<JdkMethodHook> hooks) {
    // A JDK newer than this ASM is refused here, and left as it is (see transform).
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
