package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.instrument.ClassFileTransformer;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

class SuperTypeFilterTest {

  abstract static class Plain implements Serializable {
    private static final long serialVersionUID = 1L;
    static final double CONSTANT = 1.5; // a two-slot constant in the pool
  }

  abstract static class PlainChild extends Plain {
    private static final long serialVersionUID = 1L;
  }

  abstract static class Driver implements Statement {}

  abstract static class DriverChild extends Driver {}

  abstract static class Prepared implements java.sql.PreparedStatement {}

  interface DriverApi extends Statement {}

  abstract static class ApiDriver implements DriverApi {}

  static final class DispatcherLike {}

  abstract static class Quiet implements Statement {}

  abstract static class Executes extends Quiet {
    @Override
    public boolean execute(String sql) {
      return false;
    }
  }

  abstract static class QuietPlain extends Plain {
    private static final long serialVersionUID = 1L;
    int field; // fields come before the methods in the class file

    abstract void close(String unadvised);
  }

  abstract static class ExecutesPlain extends QuietPlain {
    private static final long serialVersionUID = 1L;

    public boolean execute(String sql) {
      return false;
    }
  }

  private static final TypeInstrumentation STATEMENTS =
      TypeInstrumentation.subtypesOf(Plain.class, "java.sql.Statement");
  private static final TypeInstrumentation EXECUTES =
      TypeInstrumentation.subtypesOf(Plain.class, "java.sql.Statement").methodsNamed("execute");
  private static final String DISPATCHER = DispatcherLike.class.getName();

  private static final long WAIT = TimeUnit.SECONDS.toNanos(10);

  private final ClassLoader loader = getClass().getClassLoader();
  private final SuperTypeFilter filter =
      new SuperTypeFilter(
          CompletableFuture.completedFuture(new ClassFileTransformer() {}),
          List.of(STATEMENTS, TypeInstrumentation.classesNamed(Plain.class, DISPATCHER)),
          WAIT);

  @Test
  void headerNamesTheClassItsSuperClassAndItsInterfaces() throws IOException {
    ClassHeader header = ClassHeader.read(classFile(Plain.class));
    assertEquals("dev/sqlorigin/agent/SuperTypeFilterTest$Plain", header.name);
    assertFalse(header.isInterface);
    assertArrayEquals(new String[] {"java/io/Serializable"}, header.superTypes, "no Object");
    ClassHeader child = ClassHeader.read(classFile(PlainChild.class));
    assertArrayEquals(
        new String[] {"dev/sqlorigin/agent/SuperTypeFilterTest$Plain"}, child.superTypes);
    ClassHeader statement = ClassHeader.read(classFile(java.sql.PreparedStatement.class));
    assertTrue(statement.isInterface);
    assertArrayEquals(new String[] {"java/sql/Statement"}, statement.superTypes);
    assertNull(ClassHeader.read(new byte[] {1, 2, 3}));
  }

  interface WantedApi {}

  abstract static class ExecutesWantedApi implements WantedApi {
    public boolean execute(String sql) {
      return false;
    }
  }

  @Test
  void aWantedInterfaceWhoseSuperTypesAreTheJdksLeadsItsImplementationsToTheWeaver()
      throws IOException {
    // WantedApi extends nothing but Object: only its name makes it wanted.
    SuperTypeFilter named =
        new SuperTypeFilter(
            WOVEN_NOW,
            List.of(
                TypeInstrumentation.subtypesOf(Plain.class, WantedApi.class.getName())
                    .methodsNamed("execute")),
            WAIT);
    assertFalse(named.mayMatch(loader, classFile(WantedApi.class)), "an interface");
    ReadCounting reads = new ReadCounting(loader);
    assertTrue(named.mayMatch(reads, classFile(ExecutesWantedApi.class)));
    assertEquals(0, reads.count, "WantedApi is wanted: no class file read");
    assertFalse(named.mayMatch(reads, classFile(ExecutesPlain.class)), "Plain leads nowhere");
  }

  @Test
  void onlyClassesThatMayHaveAWantedSuperTypeReachTheWeaver() throws IOException {
    assertFalse(mayMatch(Plain.class), "only JDK super types, none wanted");
    assertFalse(mayMatch(PlainChild.class), "its super class was seen, and is not wanted");
    assertTrue(mayMatch(Driver.class), "implements java.sql.Statement");
    assertTrue(mayMatch(DriverChild.class), "its super class was seen, and is wanted");
    assertTrue(mayMatch(Prepared.class), "a JDK sub-interface of a wanted type");
    assertTrue(mayMatch(DispatcherLike.class), "matched by name");
    assertFalse(mayMatch(DriverApi.class), "an interface: no instrumentation changes one");
    assertTrue(mayMatch(ApiDriver.class), "implements an interface that extends Statement");
  }

  @Test
  void headerAgreesWithAsmOnEveryClassOfTheJdksBaseModule() throws IOException {
    // Some seven thousand pools, with the constants of the JDK's own class files: module-info's
    // Module and Package ones, method handles and types, two-slot Longs and Doubles.
    int read = 0;
    try (Stream<Path> files =
        Files.walk(FileSystems.getFileSystem(URI.create("jrt:/")).getPath("/modules/java.base"))) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        byte[] bytes = Files.readAllBytes(file);
        ClassReader expected = new ClassReader(bytes);
        ClassHeader header = ClassHeader.read(bytes);
        assertEquals(expected.getClassName(), header.name, file.toString());
        List<String> superTypes = new ArrayList<>();
        if (expected.getSuperName() != null
            && !expected.getSuperName().equals("java/lang/Object")) {
          superTypes.add(expected.getSuperName());
        }
        superTypes.addAll(List.of(expected.getInterfaces()));
        assertEquals(superTypes, List.of(header.superTypes), file.toString());
        assertEquals(
            (expected.getAccess() & Opcodes.ACC_INTERFACE) != 0,
            header.isInterface,
            file.toString());
        read++;
      }
    }
    assertTrue(read > 5000, "java.base's classes read: " + read);
  }

  @Test
  void aConstantOfATagNoClassFileHasIsMalformed() throws IOException {
    byte[] wellFormed = classFile("A", 1, 2);
    assertEquals("A", ClassHeader.read(wellFormed).name);
    // The tag of constant #2 (a Class), at byte 14: 0, 2, 13 and 14 are unused tags, 21 and 0x7F
    // are past the last, 0xFF is negative as a byte.
    for (int tag : new int[] {0, 2, 13, 14, 21, 0x7F, 0xFF}) {
      byte[] malformed = wellFormed.clone();
      malformed[14] = (byte) tag;
      assertNull(ClassHeader.read(malformed), "tag " + tag);
    }
  }

  @Test
  void aConstantOutsideTheClassesOwnPoolIsMalformedAfterALargerClassWasRead() throws IOException {
    // A larger pool read first leaves its offsets in the thread's array, past this one's end:
    // its constant #7 starts at byte 30, where this class's bytes would name constant #1.
    assertEquals("BB", ClassHeader.read(classFile("BB", 6, 2)).superTypes[0]);
    assertNull(ClassHeader.read(classFile("A", 1, 7)), "super class: constant #7, past the pool");
    assertEquals(
        "A", ClassHeader.read(classFile("A", 1, 2)).superTypes[0], "the same, in the pool");
  }

  @Test
  void headerTellsWhetherTheClassDeclaresAMethodOfTheNamesAsked() throws IOException {
    assertTrue(
        ClassHeader.read(classFile(Executes.class), AsciiNames.of(Set.of("execute")))
            .declaresNamedMethod);
    assertTrue(
        ClassHeader.read(classFile(ExecutesPlain.class), AsciiNames.of(Set.of("commit", "execute")))
            .declaresNamedMethod);
    assertFalse(
        ClassHeader.read(classFile(Quiet.class), AsciiNames.of(Set.of("execute")))
            .declaresNamedMethod);
    assertFalse(
        ClassHeader.read(classFile(QuietPlain.class), AsciiNames.of(Set.of("execute")))
            .declaresNamedMethod,
        "declares close, and a field");
    assertFalse(
        ClassHeader.read(classFile(Statement.class), AsciiNames.of(Set.of("execute")))
            .declaresNamedMethod,
        "an interface is never asked");
    assertTrue(ClassHeader.read(classFile(Quiet.class)).declaresNamedMethod, "nothing asked");
  }

  @Test
  void aClassThatDeclaresNoAdvisedMethodIsLeftAloneWithoutReadingItsSuperTypes()
      throws IOException {
    SuperTypeFilter named = new SuperTypeFilter(WOVEN_NOW, List.of(EXECUTES), WAIT);
    ReadCounting reads = new ReadCounting(loader);
    assertFalse(named.mayMatch(reads, classFile(Quiet.class)), "implements Statement, but");
    assertFalse(named.mayMatch(reads, classFile(QuietPlain.class)));
    assertEquals(0, reads.count, "no super type was read");
  }

  @Test
  void headerLeavesTheSuperTypesUnreadWhenTheClassDeclaresNoneOfTheNamesAsked() throws IOException {
    AsciiNames execute = AsciiNames.of(Set.of("execute"));
    assertNull(ClassHeader.read(classFile(Quiet.class), execute).superTypes);
    assertNull(ClassHeader.read(classFile(Statement.class), execute).superTypes, "an interface");
    assertArrayEquals(
        new String[] {"dev/sqlorigin/agent/SuperTypeFilterTest$Quiet"},
        ClassHeader.read(classFile(Executes.class), execute).superTypes);
  }

  @Test
  void aClassThatDeclaresAnAdvisedMethodIsJudgedByTheSuperTypesOfTheLoadedOnes() throws Exception {
    SuperTypeFilter named = new SuperTypeFilter(WOVEN_NOW, List.of(EXECUTES), WAIT);
    named.findLoadedClassesIn(LoadedClasses.opened());
    // Quiet, QuietPlain and Plain are loaded: as the super types of the classes named below.
    ReadCounting reads = new ReadCounting(loader);
    assertTrue(named.mayMatch(reads, classFile(Executes.class)), "Quiet implements Statement");
    assertFalse(
        named.mayMatch(reads, classFile(ExecutesPlain.class)),
        "QuietPlain leads to no wanted type");
    assertEquals(0, reads.count, "judged by the super types the JVM holds, no class file read");
  }

  @Test
  void aSuperTypeLoadedAlreadyIsJudgedWhereItsClassFileCannotBeRead() throws Exception {
    ClassLoader servesNoClassFiles = new ServesNoClassFiles(loader);
    assertTrue(
        filter.mayMatch(servesNoClassFiles, classFile(PlainChild.class)),
        "Plain's class file cannot be read: left to the weaver");
    filter.findLoadedClassesIn(LoadedClasses.opened());
    assertFalse(
        filter.mayMatch(servesNoClassFiles, classFile(PlainChild.class)),
        "Plain, loaded in the parent loader, leads to no wanted type");
  }

  @Test
  void aClassThatDeclaresAnAdvisedMethodHasItsSuperTypesNotLoadedReadFromTheirClassFiles()
      throws IOException {
    SuperTypeFilter named = new SuperTypeFilter(WOVEN_NOW, List.of(EXECUTES), WAIT);
    ReadCounting reads = new ReadCounting(loader);
    assertTrue(named.mayMatch(reads, classFile(Executes.class)));
    assertEquals(1, reads.count, "Quiet's class file");
  }

  @Test
  void aSuperTypeNotLoadedYetIsJudgedFromItsClassFile() throws IOException {
    // The JVM runs transformers on a class before it loads the class's super types.
    assertTrue(
        mayMatch(DriverChild.class), "Driver, read from its class file, implements Statement");
    assertFalse(
        mayMatch(PlainChild.class), "Plain, read from its class file, leads to no wanted type");
  }

  @Test
  void aHierarchyThatCannotBeReadIsLeftToTheWeaver() throws IOException {
    ClassLoader servesNoClassFiles = new ClassLoader(null) {};
    assertTrue(filter.mayMatch(servesNoClassFiles, classFile(PlainChild.class)));
  }

  @Test
  void aNameIsIrrelevantOnlyForItsOwnLoaderAndTheLoadersBelow() throws IOException {
    assertFalse(mayMatch(Plain.class));
    ClassLoader unrelated = new ClassLoader(null) {};
    assertTrue(
        filter.mayMatch(unrelated, classFile(PlainChild.class)),
        "Plain was seen in another loader only");
    ClassLoader child = new ClassLoader(loader) {};
    assertFalse(
        filter.mayMatch(child, classFile(PlainChild.class)), "Plain was seen in the parent loader");
  }

  @Test
  void aClassThatMayMatchWaitsForTheWeaverStillBeingBuilt() throws Exception {
    CompletableFuture<ClassFileTransformer> weaver = new CompletableFuture<>();
    SuperTypeFilter building = new SuperTypeFilter(weaver, List.of(STATEMENTS), WAIT);
    FutureTask<byte[]> loading = new FutureTask<>(() -> transform(building, Driver.class));
    Thread loader = new Thread(loading, "loads Driver");
    loader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (loader.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertFalse(loading.isDone(), "Driver waits for the weaver");
    assertTimeoutPreemptively(
        Duration.ofSeconds(5),
        () -> assertNull(transform(building, Plain.class)),
        "a class that cannot match does not wait");
    weaver.complete(WOVEN);
    assertArrayEquals(WOVEN_BYTES, loading.get(10, TimeUnit.SECONDS));
  }

  @Test
  void classesWaitForTheInstrumentationsStillBeingBuiltAndOnceTheyWereLateNoLonger()
      throws Exception {
    CompletableFuture<WantedNames> building = new CompletableFuture<>();
    long wait = TimeUnit.SECONDS.toNanos(2);
    SuperTypeFilter filter =
        new SuperTypeFilter(CompletableFuture.completedFuture(WOVEN), building, wait, null, null);
    long began = System.nanoTime();
    assertNull(transform(filter, Driver.class), "late: loads unchanged");
    assertTrue(System.nanoTime() - began >= wait, "after waiting for them");
    assertTimeoutPreemptively(
        Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(wait) / 2),
        () -> assertNull(transform(filter, DriverChild.class)),
        "the next class does not wait again");
    building.complete(WantedNames.of(List.of(STATEMENTS)));
    assertArrayEquals(WOVEN_BYTES, transform(filter, Driver.class), "built: changed");
  }

  @Test
  void theThreadThatBuildsTheInstrumentationsNeverWaitsForThem() {
    // The builder loads classes (the instrumentations', ASM's) while it builds them.
    SuperTypeFilter filter =
        new SuperTypeFilter(
            new CompletableFuture<>(),
            new CompletableFuture<>(),
            WAIT,
            null,
            Thread.currentThread());
    assertTimeout(
        Duration.ofSeconds(5),
        () -> assertNull(transform(filter, Driver.class)),
        "the builder loads it unchanged at once");
  }

  @Test
  void whatTheFilterThrowsIsSaidOnceAndTheClassLoadsUnchanged() throws Exception {
    // The JVM would drop it silently, and every class would load unchanged unsaid.
    ClassFileTransformer failing =
        answering(
            () -> {
              throw new IllegalAccessError("a class of another runtime package");
            });
    SuperTypeFilter filter =
        new SuperTypeFilter(CompletableFuture.completedFuture(failing), List.of(STATEMENTS), WAIT);
    try (CapturedWarnings captured = CapturedWarnings.install()) {
      List<String> warnings = captured.warnings;
      assertNull(transform(filter, Driver.class));
      assertNull(transform(filter, DriverChild.class));
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("IllegalAccessError"), warnings.get(0));
    }
  }

  @Test
  void aClassLoadsUnchangedWhenTheWeaverIsLateOrFailed() throws Exception {
    SuperTypeFilter late =
        new SuperTypeFilter(
            new CompletableFuture<>(), List.of(STATEMENTS), TimeUnit.MILLISECONDS.toNanos(50));
    assertNull(transform(late, Driver.class));
    SuperTypeFilter failed =
        new SuperTypeFilter(
            CompletableFuture.failedFuture(new LinkageError("no ASM")), List.of(STATEMENTS), WAIT);
    assertNull(transform(failed, Driver.class));
  }

  private static final CompletableFuture<ClassFileTransformer> WOVEN_NOW =
      CompletableFuture.completedFuture(new ClassFileTransformer() {});

  /** A loader that counts the class files read through it. */
  private static final class ReadCounting extends ClassLoader {
    int count;

    ReadCounting(ClassLoader parent) {
      super(parent);
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      count++;
      return super.getResourceAsStream(name);
    }
  }

  private static final byte[] WOVEN_BYTES = {1, 2, 3};
  private static final ClassFileTransformer WOVEN = answering(() -> WOVEN_BYTES);

  /** A weaver that answers every class with {@code answer}. */
  private static ClassFileTransformer answering(Supplier<byte[]> answer) {
    return new ClassFileTransformer() {
      @Override
      public byte[] transform(
          ClassLoader loader,
          String className,
          Class<?> redefined,
          ProtectionDomain domain,
          byte[] classFile) {
        return answer.get();
      }
    };
  }

  private byte[] transform(SuperTypeFilter filter, Class<?> type) throws Exception {
    return filter.transform(
        null, loader, type.getName().replace('.', '/'), null, null, classFile(type));
  }

  private boolean mayMatch(Class<?> type) throws IOException {
    return filter.mayMatch(loader, classFile(type));
  }

  /**
   * A public class whose pool holds {@code name} (#1) and {@code classes} class constants naming it
   * (#2 on), whose super class is constant {@code superIndex}, and which has one empty attribute
   * named #1 (at bytes 29 to 36 when the pool holds one class constant).
   */
  private static byte[] classFile(String name, int classes, int superIndex) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(0xCAFEBABE);
    out.writeShort(0); // minor version
    out.writeShort(52); // major version: Java 8
    out.writeShort(2 + classes); // the constants, counted from 1
    out.writeByte(1); // #1 Utf8
    out.writeUTF(name);
    for (int i = 0; i < classes; i++) {
      out.writeByte(7); // Class #1
      out.writeShort(1);
    }
    out.writeShort(0x21); // public class
    out.writeShort(2); // this class
    out.writeShort(superIndex);
    out.writeShort(0); // no interfaces
    out.writeShort(0); // no fields
    out.writeShort(0); // no methods
    out.writeShort(1); // one attribute: named #1, empty
    out.writeShort(1);
    out.writeInt(0);
    return bytes.toByteArray();
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in =
        ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
