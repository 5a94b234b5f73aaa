package dev.sqlorigin.agent;

import static dev.sqlorigin.instrumentation.JdkMethodHook.instanceMethods;
import static dev.sqlorigin.instrumentation.JdkMethodHook.replaceArgument;
import static dev.sqlorigin.instrumentation.JdkMethodHook.seeReturn;
import static dev.sqlorigin.instrumentation.JdkMethodHook.staticMethods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.agent.cancel.PlatformMBeanServerInstrumentation;
import dev.sqlorigin.classloading.ClassDefinitions;
import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.instrumentation.threads.ThreadsInstrumentationModule;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

class JdkClassesWeaverTest {

  /** Stands in for a JDK executor: its methods' shapes are those the hooks are woven into. */
  public static class Pool {
    public Runnable last;

    public Object execute(Runnable task) {
      last = task;
      return task;
    }

    // A wide parameter before the task: the task's slot is counted past both of its words.
    public static Runnable newThread(String name, long id, int flags, Runnable task) {
      return task;
    }

    // Two returns, one of a value computed in a loop: each one is seen, frames and all.
    public static Object server(boolean twice) {
      if (!twice) {
        return "once";
      }
      StringBuilder built = new StringBuilder();
      for (int i = 0; i < 2; i++) {
        built.append("twice");
      }
      return built.toString();
    }

    public Callable<?> submit(Callable<?> task) {
      return task;
    }
  }

  /** The static methods called from the woven code. */
  public static class Hooks {
    public static final List<Object> SEEN = new ArrayList<>();

    public static Runnable wrap(Runnable task) {
      return new Wrapped(task);
    }

    public static void saw(Object returned) {
      SEEN.add(returned);
    }
  }

  static final class Wrapped implements Runnable {
    final Runnable task;

    Wrapped(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      task.run();
    }
  }

  private static final String POOL = Pool.class.getName();

  @Test
  void anArgumentIsReplacedByWhatTheHookReturnsAtTheMethodsEntry() throws Exception {
    Class<?> woven =
        woven(
            replaceArgument(
                instanceMethods(POOL, "execute").taking(1), 0, Runnable.class, Hooks.class, "wrap"),
            replaceArgument(
                staticMethods(POOL, "newThread").taking(4),
                3,
                Runnable.class,
                Hooks.class,
                "wrap"));
    Runnable task = () -> {};
    Object pool = woven.getConstructor().newInstance();
    Object executed = woven.getMethod("execute", Runnable.class).invoke(pool, task);
    assertSame(task, ((Wrapped) executed).task);
    Object created =
        woven
            .getMethod("newThread", String.class, long.class, int.class, Runnable.class)
            .invoke(null, "t", 7L, 1, task);
    assertSame(task, ((Wrapped) created).task);
  }

  @Test
  void everyReturnedValueIsSeenBeforeTheMethodReturnsIt() throws Exception {
    Hooks.SEEN.clear();
    Class<?> woven =
        woven(seeReturn(staticMethods(POOL, "server"), Object.class, Hooks.class, "saw"));
    Method server = woven.getMethod("server", boolean.class);
    assertEquals("once", server.invoke(null, false));
    assertEquals("twicetwice", server.invoke(null, true));
    assertEquals(List.of("once", "twicetwice"), Hooks.SEEN);
  }

  @Test
  void aClassWhoseMethodsMatchNoHookIsLeftAsItIs() throws Exception {
    // submit takes a Callable, not a Runnable; execute is not static.
    assertNull(
        JdkClassesWeaver.weave(
            classFile(POOL),
            List.of(
                replaceArgument(
                    instanceMethods(POOL, "submit"), 0, Runnable.class, Hooks.class, "wrap"),
                replaceArgument(
                    staticMethods(POOL, "execute"), 0, Runnable.class, Hooks.class, "wrap"))));
  }

  @Test
  void aClassFileThisAsmCannotReadIsLeftAsItIsAndSaidOnce() throws Exception {
    // A JDK newer than the agent: its class files have a version this ASM does not know.
    byte[] future = classFile(POOL);
    future[6] = 0x00;
    future[7] = (byte) 0xFF;
    String other = Hooks.class.getName();
    List<JdkMethodHook> hooks =
        List.of(
            replaceArgument(
                instanceMethods(POOL, "execute"), 0, Runnable.class, Hooks.class, "wrap"));
    try (CapturedWarnings captured = CapturedWarnings.install()) {
      assertNull(JdkClassesWeaver.weaveOrLeave(POOL, future, hooks));
      assertNull(JdkClassesWeaver.weaveOrLeave(other, future, hooks));
      assertEquals(1, captured.warnings.size(), captured.warnings.toString());
      assertTrue(captured.warnings.get(0).contains(POOL), captured.warnings.get(0));
    }
    assertNotNull(JdkClassesWeaver.weaveOrLeave(POOL, classFile(POOL), hooks));
  }

  @Test
  void everyHookOfTheAgentCallsAStaticMethodOfItsDescriptor() throws Exception {
    for (JdkMethodHook hook : agentHooks()) {
      Class<?> hooks = Class.forName(hook.hookClass().replace('/', '.'));
      boolean found = false;
      for (Method method : hooks.getMethods()) {
        found |=
            method.getName().equals(hook.hookName())
                && Modifier.isStatic(method.getModifiers())
                && Type.getMethodDescriptor(method).equals(hook.hookDescriptor());
      }
      assertTrue(found, hook + ": no public static method of " + hook.hookDescriptor());
    }
  }

  @Test
  void everyHookOfTheAgentMatchesAMethodOfThisJdk() throws Exception {
    int feature = Runtime.version().feature();
    for (JdkMethodHook hook : agentHooks()) {
      if (hook.className().equals("java.lang.ThreadBuilders") && feature < 21) {
        continue; // virtual threads came with JDK 21
      }
      assertNotNull(
          JdkClassesWeaver.weave(classFile(hook.className()), List.of(hook)),
          hook + " matches no method of JDK " + feature);
    }
  }

  @Test
  void classLoaderCallsTheClassDefinitionsFirstInBothOfItsDefineClassMethods() throws Exception {
    byte[] woven;
    try (InputStream in = ClassLoader.class.getResourceAsStream("ClassLoader.class")) {
      woven = JdkClassesWeaver.weaveClassDefinitions(in.readAllBytes());
    }
    ClassNode loader = new ClassNode();
    new ClassReader(woven).accept(loader, 0);
    Map<String, List<String>> calls = new TreeMap<>();
    for (MethodNode method : loader.methods) {
      if (method.name.equals("defineClass")) {
        List<String> called = new ArrayList<>();
        for (AbstractInsnNode each : method.instructions) {
          if (each instanceof MethodInsnNode
              && ((MethodInsnNode) each)
                  .owner.equals(Type.getInternalName(ClassDefinitions.class))) {
            called.add(((MethodInsnNode) each).name);
          }
        }
        calls.put(method.desc, called);
      }
    }
    assertEquals(
        List.of("classFile", "offset", "length"),
        calls.get("(Ljava/lang/String;[BIILjava/security/ProtectionDomain;)Ljava/lang/Class;"));
    assertEquals(
        List.of("onHeap"),
        calls.get(
            "(Ljava/lang/String;Ljava/nio/ByteBuffer;Ljava/security/ProtectionDomain;)Ljava/lang/Class;"));
    // The others end in these two: nothing woven into them.
    assertEquals(List.of(), calls.get("([BII)Ljava/lang/Class;"));
  }

  @Test
  void aClassWithoutBothDefineClassMethodsIsRefused() throws Exception {
    assertThrows(
        IllegalStateException.class, () -> JdkClassesWeaver.weaveClassDefinitions(classFile(POOL)));
  }

  private static List<JdkMethodHook> agentHooks() {
    List<JdkMethodHook> hooks = new ArrayList<>(ThreadsInstrumentationModule.jdkMethodHooks());
    hooks.add(PlatformMBeanServerInstrumentation.HOOK);
    return hooks;
  }

  /** Pool, woven with {@code hooks} and defined again in a loader of its own (so verified). */
  private static Class<?> woven(JdkMethodHook... hooks) throws Exception {
    byte[] woven = JdkClassesWeaver.weave(classFile(POOL), List.of(hooks));
    assertNotNull(woven, "woven");
    return new ClassLoader(JdkClassesWeaverTest.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(POOL, woven, 0, woven.length);
      }
    }.define();
  }

  private static byte[] classFile(String name) throws IOException {
    try (InputStream in =
        ClassLoader.getSystemResourceAsStream(name.replace('.', '/') + ".class")) {
      assertNotNull(in, name);
      return in.readAllBytes();
    }
  }
}
