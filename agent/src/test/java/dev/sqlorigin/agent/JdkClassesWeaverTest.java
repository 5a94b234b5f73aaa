package dev.sqlorigin.agent;

import static dev.sqlorigin.instrumentation.JdkMethodHook.instanceMethods;
import static dev.sqlorigin.instrumentation.JdkMethodHook.replaceArgument;
import static dev.sqlorigin.instrumentation.JdkMethodHook.seeReturn;
import static dev.sqlorigin.instrumentation.JdkMethodHook.staticMethods;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.agent.cancel.PlatformMBeanServerInstrumentation;
import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.instrumentation.threads.ThreadsInstrumentationModule;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;

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
  void onlyTheBootstrapLoadersClassesAreWoven() throws Exception {
    JdkClassesWeaver weaver =
        new JdkClassesWeaver(
            List.of(
                replaceArgument(
                    instanceMethods(POOL, "execute"), 0, Runnable.class, Hooks.class, "wrap")));
    String internalName = POOL.replace('.', '/');
    ClassLoader loader = getClass().getClassLoader();
    assertNull(weaver.transform(null, loader, internalName, null, null, classFile(POOL)));
    assertNotNull(weaver.transform(null, null, internalName, null, null, classFile(POOL)));
  }

  @Test
  void aClassFileThisAsmCannotReadIsLeftAsItIsAndSaidOnce() throws Exception {
    // A JDK newer than the agent: its class files have a version this ASM does not know.
    byte[] future = classFile(POOL);
    future[6] = 0x00;
    future[7] = (byte) 0xFF;
    String other = Hooks.class.getName();
    JdkClassesWeaver weaver =
        new JdkClassesWeaver(
            List.of(
                replaceArgument(
                    instanceMethods(POOL, "execute"), 0, Runnable.class, Hooks.class, "wrap"),
                replaceArgument(
                    instanceMethods(other, "execute"), 0, Runnable.class, Hooks.class, "wrap")));
    try (CapturedWarnings captured = CapturedWarnings.install()) {
      assertNull(weaver.transform(null, null, POOL.replace('.', '/'), null, null, future));
      assertNull(weaver.transform(null, null, other.replace('.', '/'), null, null, future));
      assertEquals(1, captured.warnings.size(), captured.warnings.toString());
      assertTrue(captured.warnings.get(0).contains(POOL), captured.warnings.get(0));
    }
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
