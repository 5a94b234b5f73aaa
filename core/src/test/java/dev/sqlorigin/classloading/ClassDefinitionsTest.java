package dev.sqlorigin.classloading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassDefinitionsTest {

  private static final ClassLoader LOADER = ClassDefinitionsTest.class.getClassLoader();

  private final List<String> seen = new ArrayList<>();

  @AfterEach
  void uninstall() {
    ClassDefinitions.install(null);
  }

  @Test
  void whatTheWeaverReturnsIsDefinedFromItsStart() {
    byte[] woven = {9, 9, 9, 9};
    ClassDefinitions.install(
        (loader, className, domain, classFile) -> {
          seen.add(className);
          return woven;
        });
    byte[] given = {1, 2, 3, 4, 5, 6};
    byte[] defined = ClassDefinitions.classFile(LOADER, "com.example.Foo", given, 1, 3, null);
    assertSame(woven, defined);
    assertEquals(0, ClassDefinitions.offset(defined, given, 1));
    assertEquals(4, ClassDefinitions.length(defined, given, 3));
    assertEquals(List.of("com/example/Foo"), seen);
  }

  @Test
  void aSliceReachesTheWeaverAsAWholeClassFileAndStaysAsGivenWhenLeftAlone() {
    List<byte[]> files = new ArrayList<>();
    ClassDefinitions.install(
        (loader, className, domain, classFile) -> {
          files.add(classFile);
          return null;
        });
    byte[] given = {1, 2, 3, 4, 5, 6};
    byte[] defined = ClassDefinitions.classFile(LOADER, null, given, 2, 3, null);
    assertSame(given, defined);
    assertEquals(2, ClassDefinitions.offset(defined, given, 2));
    assertEquals(3, ClassDefinitions.length(defined, given, 3));
    assertArrayEquals(new byte[] {3, 4, 5}, files.get(0));
  }

  @Test
  void withNothingInstalledEveryClassFileIsDefinedAsGiven() {
    byte[] given = {1, 2, 3};
    assertSame(given, ClassDefinitions.classFile(LOADER, "Foo", given, 0, 3, null));
    ByteBuffer direct = ByteBuffer.allocateDirect(3);
    assertSame(direct, ClassDefinitions.onHeap(LOADER, "Foo", direct, null));
  }

  @Test
  void aClassDefinedFromInsideTheWeaverIsDefinedAsItIs() {
    byte[] woven = {7};
    byte[][] inner = {null};
    ClassDefinitions.install(
        (loader, className, domain, classFile) -> {
          seen.add(className);
          byte[] nested = {4, 2};
          inner[0] = ClassDefinitions.classFile(loader, "Nested", nested, 0, 2, null);
          assertSame(nested, inner[0]);
          return woven;
        });
    assertSame(woven, ClassDefinitions.classFile(LOADER, "Outer", new byte[] {1}, 0, 1, null));
    assertEquals(List.of("Outer"), seen);
    // And the thread weaves again afterwards.
    assertSame(woven, ClassDefinitions.classFile(LOADER, "Next", new byte[] {1}, 0, 1, null));
  }

  @Test
  void aWeaverThatThrowsOrOffsetsOutOfTheArrayLeaveTheClassFileAsGiven() {
    ClassDefinitions.install(
        (loader, className, domain, classFile) -> {
          throw new IllegalStateException("broken");
        });
    byte[] given = {1, 2, 3};
    assertSame(given, ClassDefinitions.classFile(LOADER, "Foo", given, 0, 3, null));
    ClassDefinitions.install((loader, className, domain, classFile) -> new byte[] {9});
    assertSame(given, ClassDefinitions.classFile(LOADER, "Foo", given, 2, 5, null));
    assertNull(ClassDefinitions.classFile(LOADER, "Foo", null, 0, 0, null));
  }

  @Test
  void aDirectBufferIsCopiedOntoTheHeapForTheArrayVariant() {
    ClassDefinitions.install((loader, className, domain, classFile) -> null);
    ByteBuffer direct = ByteBuffer.allocateDirect(8);
    direct.put(new byte[] {0, 1, 2, 3, 4, 5, 6, 7}).position(2).limit(6);
    ByteBuffer heap = ClassDefinitions.onHeap(LOADER, "Foo", direct, null);
    assertFalse(heap.isDirect());
    assertTrue(heap.hasArray());
    byte[] copied = new byte[heap.remaining()];
    heap.get(copied);
    assertArrayEquals(new byte[] {2, 3, 4, 5}, copied);
    assertEquals(2, direct.position(), "the given buffer is not consumed");
    ByteBuffer onHeap = ByteBuffer.wrap(new byte[] {1});
    assertSame(onHeap, ClassDefinitions.onHeap(LOADER, "Foo", onHeap, null));
    // The JDK's own loaders' classes stay in their buffers.
    assertSame(
        direct, ClassDefinitions.onHeap(ClassLoader.getPlatformClassLoader(), "Foo", direct, null));
    assertNull(ClassDefinitions.onHeap(LOADER, "Foo", null, null));
  }
}
