package dev.sqlorigin.agent;

import static dev.sqlorigin.instrumentation.MethodMatchers.isConstructor;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.namedOneOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.instrumentation.Advice;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import samples.Advised;

/**
 * The weaver's advice, woven into a class of this test's and run: each parameter kind, entry and
 * exit, nesting, skipping, exceptions dropped and replaced, constructors. The woven class is
 * defined and initialised in a loader of its own, so the JVM verifies every method woven.
 */
public class AdvisedMethodTest {

  /** What the advice saw, in order. */
  public static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  private static final String TARGET = Advised.class.getName();

  public static class TagAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(value = 0, readOnly = false) String text) {
      text = "tagged:" + text;
    }
  }

  public static class ObserveAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static String onEnter(
        @Advice.This Object self, @Advice.Local("started") String started) {
      started = "local";
      return "entered " + self.getClass().getSimpleName();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter String entered,
        @Advice.Local("started") String started,
        @Advice.Return Object returned,
        @Advice.Thrown Throwable thrown) {
      EVENTS.add(
          entered
              + "/"
              + started
              + "/"
              + returned
              + "/"
              + (thrown == null ? null : thrown.getMessage()));
    }
  }

  public static class WideAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Argument(0) long a,
        @Advice.Argument(2) double c,
        @Advice.Return(readOnly = false) long sum) {
      for (int i = 0; i < 3; i++) {
        if (i == 1) {
          EVENTS.add("loop " + a + " " + c);
        }
      }
      sum = sum * 10;
    }
  }

  public static class RethrowAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void onExit(@Advice.Thrown(readOnly = false) Throwable thrown) {
      if (thrown != null) {
        thrown = new UnsupportedOperationException("replaced: " + thrown.getMessage());
      }
    }
  }

  public static class SkipAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
    public static String onEnter(@Advice.Argument(0) String value) {
      return value.equals("skip") ? "skipped" : null;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter String skipped, @Advice.Return(readOnly = false) String returned) {
      if (skipped != null) {
        returned = skipped;
      }
    }
  }

  public static class SuppressedAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int onEnter() {
      if (EVENTS != null) {
        throw new IllegalStateException("the advice fails");
      }
      return 1;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(
        @Advice.Enter int entered, @Advice.Return(readOnly = false) int returned) {
      returned = returned + entered + 1;
      try {
        Integer.parseInt("not a number");
      } catch (NumberFormatException expected) {
        returned = returned + 100;
      }
    }
  }

  public static class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void onExit(@Advice.This Advised self) {
      self.calls.add("advised");
    }
  }

  public static class ReadOnlyWrittenAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void onEnter(@Advice.Argument(0) String text) {
      text = null;
    }
  }

  private static final TypeInstrumentation INSTRUMENTATION =
      TypeInstrumentation.classesNamed(AdvisedMethodTest.class, TARGET)
          .advise(namedOneOf("echo", "fail"), ObserveAdvice.class)
          .advise(named("echo"), TagAdvice.class)
          .advise(named("sum"), WideAdvice.class)
          .advise(named("fail"), RethrowAdvice.class)
          .advise(named("maybe"), SkipAdvice.class)
          .advise(named("twice"), SuppressedAdvice.class)
          .advise(isConstructor(), ConstructorAdvice.class);

  private Class<?> woven;

  @BeforeEach
  void weave() throws Exception {
    EVENTS.clear();
    byte[] classFile = weave(INSTRUMENTATION, classFile());
    assertNotNull(classFile, "woven");
    woven = Class.forName(TARGET, true, new WovenFirst(TARGET, classFile, loader()));
  }

  @Test
  void anArgumentTheEntryAdviceAssignsIsWhatTheMethodReceives() throws Exception {
    assertEquals("tagged:x", call("echo", "x"));
    // ObserveAdvice was applied first: outermost, it sees the tagged argument's result.
    assertEquals(List.of("entered Advised/local/tagged:x/null"), EVENTS);
  }

  @Test
  void theExitAdviceReadsWideArgumentsAndReplacesTheValueReturned() throws Exception {
    Object advised = woven.getConstructor().newInstance();
    Method sum = woven.getMethod("sum", long.class, int.class, double.class);
    assertEquals(60L, sum.invoke(advised, 1L, 2, 3.0));
    assertEquals(List.of("loop 1 3.0"), EVENTS);
  }

  @Test
  void anExceptionReplacedByInnerExitAdviceIsWhatOuterAdviceSeesAndTheCallerGets() {
    InvocationTargetException thrown =
        assertThrows(InvocationTargetException.class, () -> call("fail", "boom"));
    assertEquals(UnsupportedOperationException.class, thrown.getCause().getClass());
    assertEquals("replaced: boom", thrown.getCause().getMessage());
    assertEquals(List.of("entered Advised/local/null/replaced: boom"), EVENTS);
  }

  @Test
  void aNonDefaultEntryValueSkipsTheMethodAndTheExitAdviceStillRuns() throws Exception {
    Object advised = woven.getConstructor().newInstance();
    Method maybe = woven.getMethod("maybe", String.class);
    assertEquals("skipped", maybe.invoke(advised, "skip"));
    assertEquals("ran", maybe.invoke(advised, "go"));
    assertEquals(List.of("constructed", "advised", "ran go"), calls(advised));
  }

  @Test
  void adviceThatThrowsIsDroppedAndAdviceCatchingItsOwnExceptionKeepsItsHandler() throws Exception {
    // The entry advice threw: its value is the default (0); the exit adds 0 + 1, then 100.
    assertEquals(109, woven.getMethod("twice", int.class).invoke(null, 4));
  }

  @Test
  void constructorsRunTheirExitAdviceBeforeEveryReturn() throws Exception {
    Object empty = woven.getConstructor(String.class).newInstance("");
    assertEquals(List.of("constructed", "advised", "", "advised"), calls(empty));
    Object named = woven.getConstructor(String.class).newInstance("x");
    assertEquals(List.of("constructed", "advised", "x", "named", "advised"), calls(named));
  }

  @Test
  void theAdvisedMethodKeepsItsFaceAndItsCodeMovesToAPrivateSyntheticMethod() throws Exception {
    Method echo = woven.getMethod("echo", String.class);
    assertTrue(echo.isAnnotationPresent(Deprecated.class), "annotations stay on the method");
    Method moved = woven.getDeclaredMethod(AdvisedMethod.PREFIX + "echo", String.class);
    assertTrue(Modifier.isPrivate(moved.getModifiers()) && moved.isSynthetic());
    assertFalse(moved.isAnnotationPresent(Deprecated.class), "nor shown twice");
    assertEquals(String.class, moved.getReturnType());
  }

  @Test
  void theApplicationsCodeIsCarriedOverByteForByte() throws Exception {
    byte[] original = classFile();
    byte[] classFile = weave(INSTRUMENTATION, original);
    for (String name : List.of("sum", "fail", "maybe", "twice")) {
      assertArrayEquals(
          attributesOf(original, name),
          attributesOf(classFile, AdvisedMethod.PREFIX + name),
          name + ": its code, frames, lines and names as they were");
    }
  }

  @Test
  void aClassWovenAlreadyIsNotWovenAgain() throws Exception {
    assertNull(weave(INSTRUMENTATION, weave(INSTRUMENTATION, classFile())));
  }

  @Test
  void adviceThatWritesAReadOnlyParameterLeavesTheClassUnchangedSaidOnce() throws Exception {
    TypeInstrumentation bad =
        TypeInstrumentation.classesNamed(AdvisedMethodTest.class, TARGET)
            .advise(named("unchanged"), ReadOnlyWrittenAdvice.class);
    try (CapturedWarnings captured = CapturedWarnings.install()) {
      assertNull(weave(bad, classFile()));
      assertNull(weave(bad, classFile()));
      assertEquals(1, captured.warnings.size(), captured.warnings.toString());
      assertTrue(
          captured.warnings.get(0).contains("writes a parameter that is read-only"),
          captured.warnings.get(0));
    }
  }

  @Test
  void aJava5ClassIsWovenWithTheExpandedFramesItsVersionTakes() throws Exception {
    // Frames are written compressed from Java 6 on; ASM refuses them in an older class file.
    String name = "samples.Java5";
    byte[] woven =
        new Weaver(
                List.of(
                    TypeInstrumentation.classesNamed(AdvisedMethodTest.class, name)
                        .advise(named("maybe"), SkipAdvice.class)))
            .transform(null, loader(), name.replace('.', '/'), null, null, java5Class(name));
    assertNotNull(woven, "woven");
    Class<?> java5 = Class.forName(name, true, new WovenFirst(name, woven, loader()));
    Method maybe = java5.getMethod("maybe", String.class);
    Object instance = java5.getConstructor().newInstance();
    assertEquals("skipped", maybe.invoke(instance, "skip"));
    assertEquals("go", maybe.invoke(instance, "go"));
  }

  /**
   * A Java 5 class file: a constructor, and {@code String maybe(String)} returning its argument.
   */
  private static byte[] java5Class(String name) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    writer.visit(
        Opcodes.V1_5, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
    MethodVisitor constructor = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    constructor.visitCode();
    constructor.visitVarInsn(Opcodes.ALOAD, 0);
    constructor.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    constructor.visitInsn(Opcodes.RETURN);
    constructor.visitMaxs(0, 0);
    constructor.visitEnd();
    MethodVisitor maybe =
        writer.visitMethod(
            Opcodes.ACC_PUBLIC, "maybe", "(Ljava/lang/String;)Ljava/lang/String;", null, null);
    maybe.visitCode();
    maybe.visitVarInsn(Opcodes.ALOAD, 1);
    maybe.visitInsn(Opcodes.ARETURN);
    maybe.visitMaxs(0, 0);
    maybe.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }

  private Object call(String method, String argument) throws Exception {
    Object advised = woven.getConstructor().newInstance();
    return woven.getMethod(method, String.class).invoke(advised, argument);
  }

  @SuppressWarnings("unchecked")
  private List<String> calls(Object advised) throws Exception {
    return (List<String>) woven.getField("calls").get(advised);
  }

  private static byte[] weave(TypeInstrumentation instrumentation, byte[] classFile) {
    return new Weaver(List.of(instrumentation))
        .transform(null, loader(), TARGET.replace('.', '/'), null, null, classFile);
  }

  /**
   * The attributes of method {@code name} in {@code classFile} (its code among them), as bytes: the
   * constant pool a woven class starts with is the original's, so unchanged code reads the same.
   */
  private static byte[] attributesOf(byte[] classFile, String name) {
    ByteBuffer in = ByteBuffer.wrap(classFile);
    in.position(8);
    String[] utf8 = new String[in.getShort() & 0xFFFF];
    for (int i = 1; i < utf8.length; i++) {
      int tag = in.get();
      if (tag == 1) {
        byte[] text = new byte[in.getShort() & 0xFFFF];
        in.get(text);
        utf8[i] = new String(text, StandardCharsets.UTF_8);
      } else {
        boolean wide = tag == 5 || tag == 6;
        int size = wide ? 8 : tag == 15 ? 3 : List.of(7, 8, 16, 19, 20).contains(tag) ? 2 : 4;
        in.position(in.position() + size);
        i += wide ? 1 : 0;
      }
    }
    in.position(in.position() + 6);
    int interfaces = in.getShort() & 0xFFFF;
    in.position(in.position() + 2 * interfaces);
    for (int kind = 0; kind < 2; kind++) {
      int members = in.getShort() & 0xFFFF;
      for (int m = 0; m < members; m++) {
        in.getShort();
        String memberName = utf8[in.getShort() & 0xFFFF];
        in.getShort();
        int start = in.position();
        int attributes = in.getShort() & 0xFFFF;
        for (int a = 0; a < attributes; a++) {
          in.getShort();
          int length = in.getInt();
          in.position(in.position() + length);
        }
        if (kind == 1 && memberName.equals(name)) {
          return Arrays.copyOfRange(classFile, start, in.position());
        }
      }
    }
    throw new AssertionError("no method " + name);
  }

  private static ClassLoader loader() {
    return AdvisedMethodTest.class.getClassLoader();
  }

  private static byte[] classFile() throws Exception {
    try (InputStream in = loader().getResourceAsStream(TARGET.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
