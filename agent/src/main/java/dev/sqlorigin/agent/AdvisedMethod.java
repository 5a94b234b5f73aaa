package dev.sqlorigin.agent;

import dev.sqlorigin.agent.AdviceCode.Kind;
import dev.sqlorigin.agent.AdviceCode.Part;
import dev.sqlorigin.agent.AdviceCode.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * One method and the advice woven into it, the first advice outermost (its entry runs first, its
 * exit last), as Byte Buddy nests advice applied in turn.
 *
 * <p>A method is advised by moving its code, untouched, into a private method of a new name, and
 * putting in its place a method of its name, access, annotations and signature that runs the entry
 * advice, calls the moved code and runs the exit advice. The advice's code is copied into that new
 * method, where the types it names resolve as the class sees them, and its parameters become the
 * new method's own variables (the arguments, what the entry returned, the shared locals, the value
 * returned and the exception thrown). Only the new method's code is ever written: its variables are
 * all declared at its start with the types they keep, so its stack map frames are the advice's own,
 * behind those variables, and none has to be computed (which needs the class hierarchy, and would
 * load classes from inside a transformer). The application's code keeps its frames as the compiler
 * wrote them, whatever it holds: the class file's method is carried over byte for byte, only
 * renamed, so that only the method's face (name, access, signature, annotations) is read here.
 *
 * <p>A constructor cannot be moved: its exit advice, which may only read {@code this} and the
 * arguments, is copied into a private static method of the class, called before each return.
 */
final class AdvisedMethod {

  /** Prefix of the names of what the weaver adds to a class. */
  static final String PREFIX = "sqlorigin$";

  private static final String THROWABLE = "java/lang/Throwable";

  private final String owner;
  private final boolean isInterface;
  private final MethodNode method;
  private final List<AdviceCode> advice;

  AdvisedMethod(String owner, boolean isInterface, MethodNode method, List<AdviceCode> advice) {
    this.owner = owner;
    this.isInterface = isInterface;
    this.method = method;
    this.advice = advice;
  }

  /**
   * Why the advice cannot be woven into this method, or null. {@code hierarchy} gives the internal
   * names of a type and its super types (null: unreadable) as the class's loader finds them.
   */
  String refusal(Function<String, Set<String>> hierarchy, int classVersion) {
    boolean isStatic = (method.access & Opcodes.ACC_STATIC) != 0;
    boolean constructor = method.name.equals("<init>");
    if (isInterface) {
      return "an interface's methods are not advised";
    }
    if ((classVersion & 0xFFFF) < Opcodes.V1_5) {
      return "class files older than Java 5 are not advised";
    }
    Type[] arguments = Type.getArgumentTypes(method.desc);
    Type returned = Type.getReturnType(method.desc);
    for (AdviceCode each : advice) {
      if (constructor && (each.enter != null || each.exit.onThrowable)) {
        return each.name + ": a constructor takes exit advice only, not on a throw";
      }
      for (Part part : new Part[] {each.enter, each.exit}) {
        if (part == null) {
          continue;
        }
        if (part == each.exit && part.returnType().getSort() != Type.VOID) {
          return each.name + ": exit advice returns nothing";
        }
        if (part == each.enter
            && part.skipOnNonDefault
            && part.returnType().getSort() != Type.OBJECT
            && part.returnType().getSort() != Type.ARRAY
            && part.returnType().getSize() != 1) {
          return each.name + ": skipOn needs a reference or int-like entry value";
        }
        for (AbstractInsnNode insn : part.method.instructions) {
          if (insn.getOpcode() == Opcodes.INVOKEDYNAMIC && (classVersion & 0xFFFF) < 51) {
            return each.name + ": its invokedynamic cannot go into a Java " + classVersion;
          }
          if ((insn instanceof VarInsnNode || insn instanceof IincInsnNode)
              && isStore(insn)
              && !writable(part, slot(insn))) {
            return each.name + ": it writes a parameter that is read-only";
          }
        }
        for (Role role : part.roles) {
          String why =
              check(role, part, each, isStatic, constructor, arguments, returned, hierarchy);
          if (why != null) {
            return each.name + ": " + why;
          }
        }
      }
    }
    return null;
  }

  private String check(
      Role role,
      Part part,
      AdviceCode each,
      boolean isStatic,
      boolean constructor,
      Type[] arguments,
      Type returned,
      Function<String, Set<String>> hierarchy) {
    boolean exit = part == each.exit;
    switch (role.kind) {
      case THIS:
        return isStatic
            ? "@This in a static method"
            : assignable(Type.getObjectType(owner), role.type, hierarchy)
                ? null
                : "@This is not a " + role.type.getClassName();
      case ARGUMENT:
        if (role.index >= arguments.length) {
          return role.optional && !role.writable && isReference(role.type)
              ? null
              : "no argument " + role.index;
        }
        if (role.writable) {
          return arguments[role.index].equals(role.type)
              ? null
              : "writable argument " + role.index + " is not a " + role.type.getClassName();
        }
        return assignable(arguments[role.index], role.type, hierarchy)
            ? null
            : "argument " + role.index + " is not a " + role.type.getClassName();
      case ENTER:
        if (!exit || each.enter == null || each.enter.returnType().getSort() == Type.VOID) {
          return "@Enter without an entry value";
        }
        return each.enter.returnType().equals(role.type)
                || role.type.getDescriptor().equals("Ljava/lang/Object;")
                    && isReference(each.enter.returnType())
            ? null
            : "@Enter is not a " + each.enter.returnType().getClassName();
      case LOCAL:
        Part other = exit ? each.enter : each.exit;
        if (other != null) {
          for (Role twin : other.roles) {
            if (twin.kind == Kind.LOCAL
                && twin.local.equals(role.local)
                && !twin.type.equals(role.type)) {
              return "@Local " + role.local + " of two types";
            }
          }
        }
        return constructor ? "@Local in a constructor" : null;
      case RETURN:
        if (!exit || returned.getSort() == Type.VOID || constructor) {
          return "@Return without a value returned";
        }
        if (role.writable) {
          return returned.equals(role.type) ? null : "writable @Return of another type";
        }
        return assignable(returned, role.type, hierarchy) ? null : "@Return of another type";
      case THROWN:
        return exit && !constructor && role.type.getInternalName().equals(THROWABLE)
            ? null
            : "@Thrown is not a Throwable of exit advice";
      default:
        return "unknown parameter";
    }
  }

  private static boolean isReference(Type type) {
    return type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY;
  }

  /** Whether a {@code from} is a {@code to}, as far as the class files say. */
  private static boolean assignable(Type from, Type to, Function<String, Set<String>> hierarchy) {
    if (from.equals(to) || isReference(from) && to.getDescriptor().equals("Ljava/lang/Object;")) {
      return true;
    }
    if (from.getSort() != Type.OBJECT || to.getSort() != Type.OBJECT) {
      return false;
    }
    Set<String> supers = hierarchy.apply(from.getInternalName());
    return supers != null && supers.contains(to.getInternalName());
  }

  private static boolean isStore(AbstractInsnNode insn) {
    return insn instanceof IincInsnNode
        || insn.getOpcode() >= Opcodes.ISTORE && insn.getOpcode() <= Opcodes.ASTORE;
  }

  private static int slot(AbstractInsnNode insn) {
    return insn instanceof IincInsnNode ? ((IincInsnNode) insn).var : ((VarInsnNode) insn).var;
  }

  private static boolean writable(Part part, int slot) {
    int parameter = part.parameterAt(slot);
    return parameter < 0 || part.roles.get(parameter).writable;
  }

  // ---------------------------------------------------------------------------------------------
  // A method: moved, and replaced by one that runs the advice around it.

  /**
   * The access of the method the code moves to: private and synthetic, static if the method was.
   * The class file's method keeps its code and attributes under that access and {@link
   * #movedName()} (see {@code Weaver}).
   */
  int movedAccess() {
    return (method.access & (Opcodes.ACC_STATIC | Opcodes.ACC_STRICT))
        | Opcodes.ACC_PRIVATE
        | Opcodes.ACC_SYNTHETIC;
  }

  /** The name the method's code moves to. */
  String movedName() {
    return PREFIX + method.name;
  }

  /**
   * The method of the original's name and face, running the advice around the moved code, for a
   * class file of {@code classVersion}.
   */
  MethodNode wrapper(int classVersion) {
    MethodNode wrapper =
        new MethodNode(
            Opcodes.ASM9,
            method.access,
            method.name,
            method.desc,
            method.signature,
            method.exceptions.toArray(new String[0]));
    wrapper.visibleAnnotations = method.visibleAnnotations;
    wrapper.invisibleAnnotations = method.invisibleAnnotations;
    wrapper.visibleTypeAnnotations = method.visibleTypeAnnotations;
    wrapper.invisibleTypeAnnotations = method.invisibleTypeAnnotations;
    wrapper.visibleParameterAnnotations = method.visibleParameterAnnotations;
    wrapper.invisibleParameterAnnotations = method.invisibleParameterAnnotations;
    wrapper.visibleAnnotableParameterCount = method.visibleAnnotableParameterCount;
    wrapper.invisibleAnnotableParameterCount = method.invisibleAnnotableParameterCount;
    wrapper.parameters = method.parameters;
    new Wrapper(wrapper, (classVersion & 0xFFFF) >= Opcodes.V1_6).write();
    return wrapper;
  }

  /** Writes the wrapper's code. */
  private final class Wrapper {
    private final MethodNode node;
    private final InsnList code = new InsnList();
    private final boolean isStatic = (method.access & Opcodes.ACC_STATIC) != 0;
    private final Type[] arguments = Type.getArgumentTypes(method.desc);
    private final Type returned = Type.getReturnType(method.desc);
    // The variables declared at the start, and their frame entries, in slot order.
    private final List<Object> declared = new ArrayList<>();
    private int nextSlot;
    private final int[] argumentSlots = new int[arguments.length];
    private int returnSlot = -1;
    private int thrownSlot;
    // Per advice: the slot of its entry value (-1: none), of its locals by name, of the absent
    // optional arguments by role.
    private final int[] enterSlots;
    private final List<Map<String, Integer>> localSlots = new ArrayList<>();
    private final Map<Role, Integer> absentSlots = new HashMap<>();
    private final InsnList init = new InsnList();
    private int maxStack;
    private int maxExtraLocals;
    // Whether the last node written is a frame: a second one at the same offset needs a NOP.
    private boolean atFrame;
    // Frames are written compressed (from Java 6's class files on; older ones take only expanded
    // frames): most hold the declared variables alone, as the one before, and are written "the
    // same" where ASM would expand each and compare it with the one before, a tenth of a weave's
    // CPU at start. The locals of the frame written last (null: the method's implicit first one).
    private final boolean compressed;
    private Object[] frameLocals;

    Wrapper(MethodNode node, boolean compressed) {
      this.node = node;
      this.compressed = compressed;
      this.enterSlots = new int[advice.size()];
    }

    void write() {
      if (!isStatic) {
        declared.add(owner);
        nextSlot = 1;
      }
      for (int i = 0; i < arguments.length; i++) {
        argumentSlots[i] = nextSlot;
        declared.add(frameType(arguments[i]));
        nextSlot += arguments[i].getSize();
      }
      if (returned.getSort() != Type.VOID) {
        returnSlot = declare(returned);
      }
      thrownSlot = declare(Type.getObjectType(THROWABLE));
      for (int i = 0; i < advice.size(); i++) {
        AdviceCode each = advice.get(i);
        enterSlots[i] =
            each.enter == null || each.enter.returnType().getSort() == Type.VOID
                ? -1
                : declare(each.enter.returnType());
        Map<String, Integer> locals = new HashMap<>();
        for (Part part : new Part[] {each.enter, each.exit}) {
          if (part == null) {
            continue;
          }
          for (Role role : part.roles) {
            if (role.kind == Kind.LOCAL && !locals.containsKey(role.local)) {
              locals.put(role.local, declare(role.type));
            } else if (role.kind == Kind.ARGUMENT && role.index >= arguments.length) {
              absentSlots.put(role, declare(role.type));
            }
          }
          maxStack = Math.max(maxStack, part.method.maxStack);
          maxExtraLocals = Math.max(maxExtraLocals, part.method.maxLocals - part.parameterSlots);
        }
        localSlots.add(locals);
      }
      code.add(init);
      LabelNode[] exits = new LabelNode[advice.size()];
      for (int i = 0; i < advice.size(); i++) {
        exits[i] = new LabelNode();
        Part enter = advice.get(i).enter;
        if (enter != null) {
          inline(i, enter);
          if (enter.skipOnNonDefault) {
            code.add(new VarInsnNode(enter.returnType().getOpcode(Opcodes.ILOAD), enterSlots[i]));
            code.add(
                new JumpInsnNode(
                    enter.returnType().getSize() == 1 && !isReference(enter.returnType())
                        ? Opcodes.IFNE
                        : Opcodes.IFNONNULL,
                    exits[i]));
            atFrame = false;
          }
        }
      }
      // The moved code, its exception kept for the exit advice.
      LabelNode callStart = new LabelNode();
      LabelNode callEnd = new LabelNode();
      LabelNode handler = new LabelNode();
      LabelNode afterCall = new LabelNode();
      label(callStart, false);
      int stack = 0;
      if (!isStatic) {
        add(new VarInsnNode(Opcodes.ALOAD, 0));
        stack++;
      }
      for (int i = 0; i < arguments.length; i++) {
        add(new VarInsnNode(arguments[i].getOpcode(Opcodes.ILOAD), argumentSlots[i]));
        stack += arguments[i].getSize();
      }
      maxStack = Math.max(maxStack, Math.max(stack, returned.getSize()));
      add(
          new MethodInsnNode(
              isStatic ? Opcodes.INVOKESTATIC : Opcodes.INVOKESPECIAL,
              owner,
              movedName(),
              method.desc,
              isInterface));
      if (returnSlot >= 0) {
        add(new VarInsnNode(returned.getOpcode(Opcodes.ISTORE), returnSlot));
      }
      label(callEnd, false);
      add(new JumpInsnNode(Opcodes.GOTO, afterCall));
      label(handler, false);
      frame(THROWABLE);
      add(new VarInsnNode(Opcodes.ASTORE, thrownSlot));
      node.tryCatchBlocks.add(new TryCatchBlockNode(callStart, callEnd, handler, THROWABLE));
      label(afterCall, true);
      for (int i = advice.size() - 1; i >= 0; i--) {
        label(exits[i], true);
        Part exit = advice.get(i).exit;
        if (exit != null) {
          LabelNode after = new LabelNode();
          if (!exit.onThrowable) {
            add(new VarInsnNode(Opcodes.ALOAD, thrownSlot));
            add(new JumpInsnNode(Opcodes.IFNONNULL, after));
          }
          inline(i, exit);
          label(after, true);
        }
      }
      LabelNode normal = new LabelNode();
      add(new VarInsnNode(Opcodes.ALOAD, thrownSlot));
      add(new JumpInsnNode(Opcodes.IFNULL, normal));
      add(new VarInsnNode(Opcodes.ALOAD, thrownSlot));
      add(new InsnNode(Opcodes.ATHROW));
      label(normal, true);
      if (returnSlot >= 0) {
        add(new VarInsnNode(returned.getOpcode(Opcodes.ILOAD), returnSlot));
      }
      add(new InsnNode(returned.getOpcode(Opcodes.IRETURN)));
      node.instructions = code;
      node.maxStack = Math.max(maxStack, 2);
      node.maxLocals = nextSlot + maxExtraLocals;
    }

    /** A variable declared at the start, holding its type's default value until set. */
    private int declare(Type type) {
      int slot = nextSlot;
      declared.add(frameType(type));
      nextSlot += type.getSize();
      init.add(defaultValue(type));
      init.add(new VarInsnNode(type.getOpcode(Opcodes.ISTORE), slot));
      return slot;
    }

    /** Copies {@code part} of the advice at {@code index} in, its exceptions dropped if asked. */
    private void inline(int index, Part part) {
      Map<LabelNode, LabelNode> labels = newLabels(part.method);
      LabelNode begin = new LabelNode();
      LabelNode done = new LabelNode();
      LabelNode caught = new LabelNode();
      if (atFrame) {
        add(new InsnNode(Opcodes.NOP));
      }
      label(begin, false);
      Type result = part.returnType();
      for (AbstractInsnNode insn : part.method.instructions) {
        if (insn instanceof LineNumberNode) {
          continue;
        }
        if (insn instanceof LabelNode) {
          label(labels.get(insn), false);
        } else if (insn instanceof FrameNode) {
          frame(translate((FrameNode) insn, part, labels));
        } else if (insn instanceof VarInsnNode) {
          VarInsnNode var = (VarInsnNode) insn;
          add(new VarInsnNode(var.getOpcode(), slotOf(index, part, var.var)));
        } else if (insn instanceof IincInsnNode) {
          IincInsnNode iinc = (IincInsnNode) insn;
          add(new IincInsnNode(slotOf(index, part, iinc.var), iinc.incr));
        } else if (insn.getOpcode() >= Opcodes.IRETURN && insn.getOpcode() <= Opcodes.RETURN) {
          if (result.getSort() != Type.VOID) {
            add(new VarInsnNode(result.getOpcode(Opcodes.ISTORE), enterSlots[index]));
          }
          add(new JumpInsnNode(Opcodes.GOTO, done));
        } else {
          add(insn.clone(labels));
        }
      }
      copyTryCatchBlocks(part.method, labels, node);
      if (part.suppress) {
        label(caught, false);
        frame(THROWABLE);
        add(new InsnNode(Opcodes.POP));
        if (result.getSort() != Type.VOID) {
          add(defaultValue(result));
          add(new VarInsnNode(result.getOpcode(Opcodes.ISTORE), enterSlots[index]));
        }
        node.tryCatchBlocks.add(new TryCatchBlockNode(begin, caught, caught, THROWABLE));
      }
      label(done, true);
    }

    /** The wrapper's slot for slot {@code slot} of the advice's method. */
    private int slotOf(int index, Part part, int slot) {
      int parameter = part.parameterAt(slot);
      if (parameter < 0) {
        return nextSlot + slot - part.parameterSlots;
      }
      Role role = part.roles.get(parameter);
      switch (role.kind) {
        case THIS:
          return 0;
        case ARGUMENT:
          return role.index < arguments.length ? argumentSlots[role.index] : absentSlots.get(role);
        case ENTER:
          return enterSlots[index];
        case LOCAL:
          return localSlots.get(index).get(role.local);
        case RETURN:
          return returnSlot;
        default: // THROWN
          return thrownSlot;
      }
    }

    /** The advice's frame with the wrapper's variables in place of the advice's parameters. */
    private Object[] translate(FrameNode frame, Part part, Map<LabelNode, LabelNode> labels) {
      List<Object> locals = new ArrayList<>(declared);
      int slot = 0;
      for (Object type : frame.local) {
        if (slot >= part.parameterSlots) {
          locals.add(type instanceof LabelNode ? labels.get(type) : type);
        }
        slot += type == Opcodes.LONG || type == Opcodes.DOUBLE ? 2 : 1;
      }
      List<Object> stack = new ArrayList<>();
      for (Object type : frame.stack) {
        stack.add(type instanceof LabelNode ? labels.get(type) : type);
      }
      return new Object[] {locals.toArray(), stack.toArray()};
    }

    private void add(AbstractInsnNode insn) {
      code.add(insn);
      atFrame = false;
    }

    /** Places {@code label}; with a frame of the declared variables and an empty stack if asked. */
    private void label(LabelNode label, boolean withFrame) {
      code.add(label);
      if (withFrame && !atFrame) {
        frame((String) null);
      }
    }

    /** A frame of the declared variables, with {@code onStack} (or nothing) on the stack. */
    private void frame(String onStack) {
      frame(
          new Object[] {
            declared.toArray(), onStack == null ? new Object[0] : new Object[] {onStack}
          });
    }

    private void frame(Object[] localsAndStack) {
      if (atFrame) {
        code.add(new InsnNode(Opcodes.NOP));
      }
      Object[] locals = (Object[]) localsAndStack[0];
      Object[] stack = (Object[]) localsAndStack[1];
      boolean sameLocals = Arrays.equals(locals, frameLocals);
      if (!compressed) {
        code.add(new FrameNode(Opcodes.F_NEW, locals.length, locals, stack.length, stack));
      } else if (sameLocals && stack.length == 0) {
        code.add(new FrameNode(Opcodes.F_SAME, 0, null, 0, null));
      } else if (sameLocals && stack.length == 1) {
        code.add(new FrameNode(Opcodes.F_SAME1, 0, null, 1, stack));
      } else {
        code.add(new FrameNode(Opcodes.F_FULL, locals.length, locals, stack.length, stack));
      }
      frameLocals = locals;
      atFrame = true;
    }
  }

  private static Object frameType(Type type) {
    switch (type.getSort()) {
      case Type.BOOLEAN:
      case Type.CHAR:
      case Type.BYTE:
      case Type.SHORT:
      case Type.INT:
        return Opcodes.INTEGER;
      case Type.FLOAT:
        return Opcodes.FLOAT;
      case Type.LONG:
        return Opcodes.LONG;
      case Type.DOUBLE:
        return Opcodes.DOUBLE;
      case Type.ARRAY:
        return type.getDescriptor();
      default:
        return type.getInternalName();
    }
  }

  private static AbstractInsnNode defaultValue(Type type) {
    switch (type.getSort()) {
      case Type.LONG:
        return new InsnNode(Opcodes.LCONST_0);
      case Type.FLOAT:
        return new InsnNode(Opcodes.FCONST_0);
      case Type.DOUBLE:
        return new InsnNode(Opcodes.DCONST_0);
      case Type.OBJECT:
      case Type.ARRAY:
        return new InsnNode(Opcodes.ACONST_NULL);
      default:
        return new InsnNode(Opcodes.ICONST_0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A constructor: exit advice called before each return.

  /**
   * The constructor with a call to each advice's copy (see {@link #copies()}) before each return,
   * passing {@code this} and the arguments it reads.
   */
  MethodNode constructor() {
    int pushed = 0;
    for (AbstractInsnNode insn : method.instructions.toArray()) {
      if (insn.getOpcode() != Opcodes.RETURN) {
        continue;
      }
      InsnList calls = new InsnList();
      for (AdviceCode each : advice) {
        int stack = 0;
        for (Role role : each.exit.roles) {
          if (role.kind == Kind.THIS) {
            calls.add(new VarInsnNode(Opcodes.ALOAD, 0));
          } else {
            calls.add(argument(role));
          }
          stack += role.type.getSize();
        }
        pushed = Math.max(pushed, stack);
        calls.add(
            new MethodInsnNode(
                Opcodes.INVOKESTATIC, owner, copyName(each), each.exit.method.desc, isInterface));
      }
      method.instructions.insertBefore(insn, calls);
    }
    method.maxStack = Math.max(method.maxStack, pushed);
    return method;
  }

  private AbstractInsnNode argument(Role role) {
    Type[] arguments = Type.getArgumentTypes(method.desc);
    if (role.index >= arguments.length) {
      return new InsnNode(Opcodes.ACONST_NULL);
    }
    int slot = 1;
    for (int i = 0; i < role.index; i++) {
      slot += arguments[i].getSize();
    }
    return new VarInsnNode(role.type.getOpcode(Opcodes.ILOAD), slot);
  }

  private String copyName(AdviceCode each) {
    return PREFIX + each.className.replace('.', '_');
  }

  /**
   * The copies of the constructor's exit advice: each a private static method of the class, with
   * its exceptions dropped if asked.
   */
  List<MethodNode> copies() {
    List<MethodNode> copies = new ArrayList<>();
    for (AdviceCode each : advice) {
      MethodNode source = each.exit.method;
      MethodNode copy =
          new MethodNode(
              Opcodes.ASM9,
              Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
              copyName(each),
              source.desc,
              null,
              null);
      Map<LabelNode, LabelNode> labels = newLabels(source);
      LabelNode begin = new LabelNode();
      copy.instructions.add(begin);
      for (AbstractInsnNode insn : source.instructions) {
        if (!(insn instanceof LineNumberNode)) {
          copy.instructions.add(insn.clone(labels));
        }
      }
      copyTryCatchBlocks(source, labels, copy);
      if (each.exit.suppress) {
        LabelNode caught = new LabelNode();
        copy.instructions.add(caught);
        List<Object> locals = new ArrayList<>();
        for (Role role : each.exit.roles) {
          locals.add(frameType(role.type));
        }
        copy.instructions.add(
            new FrameNode(
                Opcodes.F_NEW, locals.size(), locals.toArray(), 1, new Object[] {THROWABLE}));
        copy.instructions.add(new InsnNode(Opcodes.POP));
        copy.instructions.add(new InsnNode(Opcodes.RETURN));
        copy.tryCatchBlocks.add(new TryCatchBlockNode(begin, caught, caught, THROWABLE));
      }
      copy.maxStack = Math.max(source.maxStack, 1);
      copy.maxLocals = source.maxLocals;
      copies.add(copy);
    }
    return copies;
  }

  /** A new label for each of {@code source}'s, for a copy of its code. */
  private static Map<LabelNode, LabelNode> newLabels(MethodNode source) {
    Map<LabelNode, LabelNode> labels = new HashMap<>();
    for (AbstractInsnNode insn : source.instructions) {
      if (insn instanceof LabelNode) {
        labels.put((LabelNode) insn, new LabelNode());
      }
    }
    return labels;
  }

  /**
   * {@code source}'s exception handlers, in their order, onto the copy of its code in {@code into}.
   */
  private static void copyTryCatchBlocks(
      MethodNode source, Map<LabelNode, LabelNode> labels, MethodNode into) {
    for (TryCatchBlockNode block : source.tryCatchBlocks) {
      into.tryCatchBlocks.add(
          new TryCatchBlockNode(
              labels.get(block.start),
              labels.get(block.end),
              labels.get(block.handler),
              block.type));
    }
  }
}
