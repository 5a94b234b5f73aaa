package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.DeclaredMethod;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.TypeInstrumentation.MethodAdvice;
import dev.sqlorigin.log.AgentLog;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.MethodNode;

/**
 * Weaves the instrumentations' advice into the classes they match, with ASM alone (see {@link
 * AdvisedMethod} for how). Byte Buddy did it until it was measured to cost half a second of CPU at
 * every start, on the application's critical path: building it, describing every type matched and
 * its super types, inlining advice through its general machinery, and the JIT compiling all that.
 * Here a class is read by ASM, its super types as the JVM holds them or from their class files'
 * headers, and only the replacements of the methods advised are written anew; the rest of the
 * class, the advised methods' own code included, is copied as it is.
 *
 * <p>A class that cannot be woven loads unchanged, said once.
 */
final class Weaver implements ClassFileTransformer {

  // The JDK's classes are not ours to change: the filter in front leaves out the JDK's loaders, and
  // these names the classes the JDK generates in other loaders (reflection accessors,
  // jdk.proxyN.$Proxy). Nor are the agent's own, whose weaving would recurse (only the agent's:
  // applications may live under dev.sqlorigin), or the OpenTelemetry Java agent's, when it is
  // attached too (its types live in its own class loader, out of sight of the class files read).
  private static final String[] IGNORED = {
    "dev/sqlorigin/agent/",
    "dev/sqlorigin/instrumentation/",
    "dev/sqlorigin/shaded/",
    "io/opentelemetry/javaagent/",
    "java/",
    "jdk/",
    "sun/",
    "com/sun/"
  };

  private final List<TypeInstrumentation> instrumentations;
  private final Hierarchies hierarchies;
  // Read once: advice is the same code for every class it goes into.
  private final Map<MethodAdvice, AdviceCode> adviceCode = new ConcurrentHashMap<>();

  Weaver(List<TypeInstrumentation> instrumentations) {
    this(instrumentations, LoadedClasses.NONE);
  }

  /** As above, the super types of the classes loaded already found in {@code loaded}. */
  Weaver(List<TypeInstrumentation> instrumentations, LoadedClasses loaded) {
    this.instrumentations = List.copyOf(instrumentations);
    this.hierarchies = new Hierarchies(loaded);
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (className == null || ignored(className)) {
      return null;
    }
    try {
      return weave(loader, className, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      // One line, whatever the cause: the class loads unchanged, which is all the operator needs
      // to know; a class file ASM cannot read, advice that does not fit the method.
      AgentLog.warnOnce(
          "instrument:" + className,
          "could not instrument "
              + className.replace('/', '.')
              + " ("
              + t
              + "); it runs unchanged: its statements or requests are not tagged",
          null);
      return null;
    }
  }

  private static boolean ignored(String className) {
    for (String prefix : IGNORED) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private byte[] weave(
      ClassLoader loader, String className, ProtectionDomain domain, byte[] classFile)
      throws IOException {
    ClassReader reader = new ClassReader(classFile);
    int access = reader.getAccess();
    if ((access & Opcodes.ACC_SYNTHETIC) != 0) {
      return null;
    }
    Set<String> hierarchy = hierarchies.of(loader, className, Hierarchies.superTypes(reader));
    if (hierarchy == null) {
      // An optional dependency's interface that a framework implements (Micronaut's discovery or
      // websocket support): such a class cannot be loaded at all, and is for no instrumentation.
      AgentLog.debug("left alone " + className + ": a super type's class file cannot be read");
      return null;
    }
    boolean isInterface = (access & Opcodes.ACC_INTERFACE) != 0;
    List<TypeInstrumentation> applied = new ArrayList<>();
    Set<String> binaryHierarchy = binaryNames(hierarchy);
    for (TypeInstrumentation instrumentation : instrumentations) {
      if (instrumentation.changes(className.replace('/', '.'), isInterface, binaryHierarchy)) {
        applied.add(instrumentation);
      }
    }
    if (applied.isEmpty()) {
      return null;
    }
    Map<String, MethodNode> faces = new HashMap<>();
    Map<String, List<AdviceCode>> plan = plan(reader, applied, loader, domain, faces);
    if (plan.isEmpty()) {
      return null;
    }
    byte[] woven =
        write(
            reader,
            isInterface,
            plan,
            faces,
            type -> type.equals(className) ? hierarchy : hierarchies.of(loader, type),
            readVersion(classFile));
    AgentLog.debug("instrumented " + className.replace('/', '.'));
    return woven;
  }

  /**
   * The advice for each method the class declares, by name and descriptor, in the order applied;
   * empty when there is none (a class that declares none of the advised methods, such as a filter
   * that only inherits doFilter, would be rewritten for nothing) or the class was woven already.
   * Puts the face of each method advised (all but its code) into {@code faces}, by the same key.
   */
  private Map<String, List<AdviceCode>> plan(
      ClassReader reader,
      List<TypeInstrumentation> applied,
      ClassLoader loader,
      ProtectionDomain domain,
      Map<String, MethodNode> faces)
      throws IOException {
    Function<String, Set<String>> hierarchyOf =
        type -> {
          Set<String> names = hierarchies.of(loader, type.replace('.', '/'));
          return names == null ? null : binaryNames(names);
        };
    Map<String, List<MethodAdvice>> advised = new LinkedHashMap<>();
    Map<MethodAdvice, TypeInstrumentation> by = new HashMap<>();
    boolean[] alreadyWoven = {false};
    reader.accept(
        new ClassVisitor(Opcodes.ASM9) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            if (name.startsWith(AdvisedMethod.PREFIX)) {
              alreadyWoven[0] = true;
            }
            if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
              return null; // no code to advise
            }
            DeclaredMethod method = new DeclaredMethod(access, name, descriptor, hierarchyOf);
            for (TypeInstrumentation instrumentation : applied) {
              for (MethodAdvice each : instrumentation.advice()) {
                if (instrumentation.methods(each).matches(method)) {
                  advised.computeIfAbsent(name + descriptor, key -> new ArrayList<>()).add(each);
                  by.put(each, instrumentation);
                }
              }
            }
            if (!advised.containsKey(name + descriptor)) {
              return null;
            }
            MethodNode face =
                new MethodNode(Opcodes.ASM9, access, name, descriptor, signature, exceptions);
            faces.put(name + descriptor, face);
            return face;
          }
        },
        // Not SKIP_DEBUG: it would skip the parameters' names, part of a method's face.
        ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
    Map<String, List<AdviceCode>> plan = new LinkedHashMap<>();
    if (alreadyWoven[0]) {
      return plan;
    }
    // Refused by an instrumentation (a version of its framework it does not know): its advice is
    // left out, said once.
    Set<TypeInstrumentation> refused = new HashSet<>();
    for (TypeInstrumentation instrumentation : new HashSet<>(by.values())) {
      String refusal = instrumentation.refusal(loader, domain);
      if (refusal != null) {
        if (!refusal.isEmpty()) {
          AgentLog.warnOnce("refused:" + refusal, refusal, null);
        }
        refused.add(instrumentation);
      }
    }
    for (Map.Entry<String, List<MethodAdvice>> entry : advised.entrySet()) {
      List<AdviceCode> code = new ArrayList<>();
      for (MethodAdvice each : entry.getValue()) {
        TypeInstrumentation instrumentation = by.get(each);
        if (!refused.contains(instrumentation)) {
          code.add(adviceCode(each, instrumentation));
        }
      }
      if (!code.isEmpty()) {
        plan.put(entry.getKey(), code);
      }
    }
    return plan;
  }

  /**
   * The class with {@code plan} woven in; every other method copied as it is. An advised method's
   * replacement is written from its face ({@code faces}), and the method itself is carried over
   * under its new name and access: byte for byte (ASM copies a method whose visitor is the writer's
   * own), unless it has annotations that reflection shows, which stay on the replacement alone. A
   * constructor is read whole, as calls go in before each return. Throws when some advice does not
   * fit its method (the class then loads unchanged).
   */
  private static byte[] write(
      ClassReader reader,
      boolean isInterface,
      Map<String, List<AdviceCode>> plan,
      Map<String, MethodNode> faces,
      Function<String, Set<String>> hierarchyOf,
      int version) {
    String className = reader.getClassName();
    ClassWriter writer = new ClassWriter(reader, 0);
    String[] refusal = {null};
    // By name: the copies of constructor advice, one for all the constructors.
    Map<String, MethodNode> copies = new LinkedHashMap<>();
    reader.accept(
        new ClassVisitor(Opcodes.ASM9, writer) {
          @Override
          public MethodVisitor visitMethod(
              int access, String name, String descriptor, String signature, String[] exceptions) {
            List<AdviceCode> code = plan.get(name + descriptor);
            if (code == null) {
              return super.visitMethod(access, name, descriptor, signature, exceptions);
            }
            if (name.equals("<init>")) {
              return constructor(access, name, descriptor, signature, exceptions, code);
            }
            MethodNode face = faces.get(name + descriptor);
            AdvisedMethod method = new AdvisedMethod(className, isInterface, face, code);
            String why = method.refusal(hierarchyOf, version);
            if (why != null) {
              refusal[0] = why;
              return null;
            }
            method.wrapper(version).accept(cv);
            MethodVisitor moved =
                super.visitMethod(
                    method.movedAccess() | (access & Opcodes.ACC_DEPRECATED),
                    method.movedName(),
                    descriptor,
                    signature,
                    exceptions);
            return face.visibleAnnotations == null && face.visibleParameterAnnotations == null
                ? moved
                : withoutVisibleAnnotations(moved);
          }

          private MethodVisitor constructor(
              int access,
              String name,
              String descriptor,
              String signature,
              String[] exceptions,
              List<AdviceCode> code) {
            ClassVisitor out = cv;
            return new MethodNode(Opcodes.ASM9, access, name, descriptor, signature, exceptions) {
              @Override
              public void visitEnd() {
                AdvisedMethod method = new AdvisedMethod(className, isInterface, this, code);
                String why = method.refusal(hierarchyOf, version);
                if (why != null) {
                  refusal[0] = why;
                  accept(out);
                  return;
                }
                method.constructor().accept(out);
                for (MethodNode copy : method.copies()) {
                  copies.putIfAbsent(copy.name, copy);
                }
              }
            };
          }

          @Override
          public void visitEnd() {
            for (MethodNode copy : copies.values()) {
              copy.accept(cv);
            }
            super.visitEnd();
          }
        },
        0);
    if (refusal[0] != null) {
      throw new IllegalStateException(refusal[0]);
    }
    return writer.toByteArray();
  }

  /**
   * {@code moved} without the annotations reflection would show (they stay on the replacement):
   * frameworks that look methods up by annotation would find the moved one too.
   */
  private static MethodVisitor withoutVisibleAnnotations(MethodVisitor moved) {
    return new MethodVisitor(Opcodes.ASM9, moved) {
      @Override
      public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
        return visible ? null : super.visitAnnotation(descriptor, visible);
      }

      @Override
      public void visitAnnotableParameterCount(int parameterCount, boolean visible) {
        if (!visible) {
          super.visitAnnotableParameterCount(parameterCount, visible);
        }
      }

      @Override
      public AnnotationVisitor visitParameterAnnotation(
          int parameter, String descriptor, boolean visible) {
        return visible ? null : super.visitParameterAnnotation(parameter, descriptor, visible);
      }
    };
  }

  private static Set<String> binaryNames(Set<String> internalNames) {
    Set<String> binary = new HashSet<>();
    for (String name : internalNames) {
      binary.add(name.replace('/', '.'));
    }
    return binary;
  }

  private static int readVersion(byte[] classFile) {
    return ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF);
  }

  private AdviceCode adviceCode(MethodAdvice each, TypeInstrumentation instrumentation)
      throws IOException {
    AdviceCode code = adviceCode.get(each);
    if (code == null) {
      code = AdviceCode.read(each, instrumentation.adviceLoader());
      adviceCode.put(each, code);
    }
    return code;
  }
}
