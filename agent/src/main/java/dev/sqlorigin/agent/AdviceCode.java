package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation.MethodAdvice;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.Remapper;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * One advice class as the weaver copies it: its entry and exit methods, read from its class file
 * (never loaded), with what each of their parameters stands for ({@link Advice}). For a package
 * twin, every name of the package the advice is written against is renamed on reading.
 */
final class AdviceCode {

  private static final String ADVICE = Type.getInternalName(Advice.class);
  private static final String ENTER = "L" + ADVICE + "$OnMethodEnter;";
  private static final String EXIT = "L" + ADVICE + "$OnMethodExit;";
  private static final String NO_HANDLER = "L" + ADVICE + "$NoExceptionHandler;";
  private static final String NON_DEFAULT = "L" + ADVICE + "$OnNonDefaultValue;";

  /** What a parameter of advice stands for. */
  enum Kind {
    THIS,
    ARGUMENT,
    ENTER,
    LOCAL,
    RETURN,
    THROWN
  }

  /** One parameter of an advice method. */
  static final class Role {
    final Kind kind;
    final Type type;
    // ARGUMENT: the index; else 0.
    final int index;
    final boolean writable;
    final boolean optional;
    // LOCAL: its name; else null.
    final String local;

    Role(Kind kind, Type type, int index, boolean writable, boolean optional, String local) {
      this.kind = kind;
      this.type = type;
      this.index = index;
      this.writable = writable;
      this.optional = optional;
      this.local = local;
    }
  }

  /** The entry or the exit method of the advice. */
  static final class Part {
    final MethodNode method;
    final List<Role> roles;
    // The slot of each parameter in the advice method's own frame, and the first slot after them.
    final int[] slots;
    final int parameterSlots;
    final boolean suppress;
    final boolean skipOnNonDefault;
    final boolean onThrowable;

    Part(
        MethodNode method,
        List<Role> roles,
        boolean suppress,
        boolean skipOnNonDefault,
        boolean onThrowable) {
      this.method = method;
      this.roles = roles;
      this.suppress = suppress;
      this.skipOnNonDefault = skipOnNonDefault;
      this.onThrowable = onThrowable;
      this.slots = new int[roles.size()];
      int slot = 0;
      for (int i = 0; i < roles.size(); i++) {
        slots[i] = slot;
        slot += roles.get(i).type.getSize();
      }
      this.parameterSlots = slot;
    }

    Type returnType() {
      return Type.getReturnType(method.desc);
    }

    /** The index of the parameter whose slots include {@code slot}, or -1: the advice's own. */
    int parameterAt(int slot) {
      for (int i = slots.length - 1; i >= 0; i--) {
        if (slot >= slots[i]) {
          return slot < parameterSlots ? i : -1;
        }
      }
      return -1;
    }
  }

  // The advice class's simple name, for messages, and its binary name.
  final String name;
  final String className;
  final Part enter;
  final Part exit;

  private AdviceCode(String name, String className, Part enter, Part exit) {
    this.name = name;
    this.className = className;
    this.enter = enter;
    this.exit = exit;
  }

  /** Reads {@code advice}'s class file from {@code loader}. */
  static AdviceCode read(MethodAdvice advice, ClassLoader loader) throws IOException {
    String written = advice.adviceClass().replace('.', '/');
    ClassNode node = new ClassNode();
    try (InputStream in = loader.getResourceAsStream(written + ".class")) {
      if (in == null) {
        throw new IOException("no class file for " + advice.adviceClass());
      }
      ClassReader reader = new ClassReader(in);
      if (advice.twin() == null) {
        reader.accept(node, ClassReader.EXPAND_FRAMES);
      } else {
        String from = advice.writtenFor().replace('.', '/') + '/';
        String to = advice.twin().replace('.', '/') + '/';
        reader.accept(
            new ClassRemapper(
                node,
                new Remapper() {
                  @Override
                  public String map(String internalName) {
                    return internalName.startsWith(from)
                        ? to + internalName.substring(from.length())
                        : internalName;
                  }
                }),
            ClassReader.EXPAND_FRAMES);
      }
    }
    Part enter = null;
    Part exit = null;
    for (MethodNode method : node.methods) {
      AnnotationNode onEnter = annotation(method.invisibleAnnotations, ENTER);
      AnnotationNode onExit = annotation(method.invisibleAnnotations, EXIT);
      if (onEnter == null && onExit == null) {
        continue;
      }
      if ((method.access & Opcodes.ACC_STATIC) == 0) {
        throw new IOException(advice.adviceClass() + "." + method.name + " is not static");
      }
      AnnotationNode which = onEnter != null ? onEnter : onExit;
      Part part =
          new Part(
              method,
              roles(method, advice.adviceClass()),
              handles(value(which, "suppress")),
              onEnter != null
                  && value(onEnter, "skipOn") != null
                  && NON_DEFAULT.equals(((Type) value(onEnter, "skipOn")).getDescriptor()),
              onExit != null && handles(value(onExit, "onThrowable")));
      if (onEnter != null) {
        enter = part;
      } else {
        exit = part;
      }
    }
    if (enter == null && exit == null) {
      throw new IOException(advice.adviceClass() + " has no advice method");
    }
    String simple = written.substring(written.lastIndexOf('/') + 1);
    return new AdviceCode(
        simple.substring(simple.lastIndexOf('$') + 1), advice.adviceClass(), enter, exit);
  }

  /** Whether a {@code suppress} or {@code onThrowable} value names an exception handled. */
  private static boolean handles(Object value) {
    return value != null && !NO_HANDLER.equals(((Type) value).getDescriptor());
  }

  private static List<Role> roles(MethodNode method, String adviceClass) throws IOException {
    Type[] types = Type.getArgumentTypes(method.desc);
    List<Role> roles = new ArrayList<>();
    for (int i = 0; i < types.length; i++) {
      List<AnnotationNode> annotations =
          method.invisibleParameterAnnotations == null
              ? null
              : method.invisibleParameterAnnotations[i];
      Role role = null;
      if (annotations != null) {
        for (AnnotationNode annotation : annotations) {
          String kind = annotation.desc;
          if (!kind.startsWith("L" + ADVICE + "$")) {
            continue;
          }
          kind = kind.substring(ADVICE.length() + 2, kind.length() - 1);
          boolean writable = Boolean.FALSE.equals(value(annotation, "readOnly"));
          switch (kind) {
            case "This":
              role = new Role(Kind.THIS, types[i], 0, false, false, null);
              break;
            case "Argument":
              role =
                  new Role(
                      Kind.ARGUMENT,
                      types[i],
                      (Integer) value(annotation, "value"),
                      writable,
                      Boolean.TRUE.equals(value(annotation, "optional")),
                      null);
              break;
            case "Enter":
              role = new Role(Kind.ENTER, types[i], 0, false, false, null);
              break;
            case "Local":
              role =
                  new Role(
                      Kind.LOCAL, types[i], 0, true, false, (String) value(annotation, "value"));
              break;
            case "Return":
              role = new Role(Kind.RETURN, types[i], 0, writable, false, null);
              break;
            case "Thrown":
              role = new Role(Kind.THROWN, types[i], 0, writable, false, null);
              break;
            default:
              throw new IOException(adviceClass + " uses @Advice." + kind + ", unknown");
          }
        }
      }
      if (role == null) {
        throw new IOException(
            adviceClass + "." + method.name + ": parameter " + i + " has no advice annotation");
      }
      roles.add(role);
    }
    return roles;
  }

  private static AnnotationNode annotation(List<AnnotationNode> annotations, String descriptor) {
    if (annotations != null) {
      for (AnnotationNode annotation : annotations) {
        if (annotation.desc.equals(descriptor)) {
          return annotation;
        }
      }
    }
    return null;
  }

  private static Object value(AnnotationNode annotation, String name) {
    if (annotation.values != null) {
      for (int i = 0; i < annotation.values.size(); i += 2) {
        if (annotation.values.get(i).equals(name)) {
          return annotation.values.get(i + 1);
        }
      }
    }
    return null;
  }
}
