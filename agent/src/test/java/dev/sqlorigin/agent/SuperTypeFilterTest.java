package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.instrument.ClassFileTransformer;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuperTypeFilterTest {

  abstract static class Plain implements Serializable {
    private static final long serialVersionUID = 1L;
    static final double CONSTANT = 1.5; // a two-slot constant in the pool
  }

  abstract static class PlainChild extends Plain {
    private static final long serialVersionUID = 1L;
  }

  abstract static class Driver implements Statement {
  }

  abstract static class DriverChild extends Driver {
  }

  abstract static class Prepared implements java.sql.PreparedStatement {
  }

  static final class DispatcherLike {
  }

  private final ClassLoader loader = getClass().getClassLoader();
  private final SuperTypeFilter filter = new SuperTypeFilter(new ClassFileTransformer() {
  }, List.of("java.sql.Statement"),
      List.of(DispatcherLike.class.getName()));

  @Test
  void headerNamesTheClassItsSuperClassAndItsInterfaces() throws IOException {
    ClassHeader header = ClassHeader.read(classFile(Plain.class));
    assertEquals("dev/sqlorigin/agent/SuperTypeFilterTest$Plain", header.name);
    assertFalse(header.isInterface);
    assertArrayEquals(new String[] {"java/lang/Object", "java/io/Serializable"}, header.superTypes);
    ClassHeader statement = ClassHeader.read(classFile(java.sql.PreparedStatement.class));
    assertTrue(statement.isInterface);
    assertArrayEquals(new String[] {"java/lang/Object", "java/sql/Statement"}, statement.superTypes);
    assertNull(ClassHeader.read(new byte[] {1, 2, 3}));
  }

  @Test
  void onlyClassesThatMayHaveAWantedSuperTypeReachByteBuddy() throws IOException {
    assertFalse(mayMatch(Plain.class), "only JDK super types, none wanted");
    assertFalse(mayMatch(PlainChild.class), "its super class was seen, and is not wanted");
    assertTrue(mayMatch(Driver.class), "implements java.sql.Statement");
    assertTrue(mayMatch(DriverChild.class), "its super class was seen, and is wanted");
    assertTrue(mayMatch(Prepared.class), "a JDK sub-interface of a wanted type");
    assertTrue(mayMatch(DispatcherLike.class), "matched by name");
  }

  @Test
  void aSuperTypeNotLoadedYetIsJudgedFromItsClassFile() throws IOException {
    // The JVM runs transformers on a class before it loads the class's super types.
    assertTrue(mayMatch(DriverChild.class), "Driver, read from its class file, implements Statement");
    assertFalse(mayMatch(PlainChild.class), "Plain, read from its class file, leads to no wanted type");
  }

  @Test
  void aHierarchyThatCannotBeReadIsLeftToByteBuddy() throws IOException {
    ClassLoader servesNoClassFiles = new ClassLoader(null) {
    };
    assertTrue(filter.mayMatch(servesNoClassFiles, classFile(PlainChild.class)));
  }

  @Test
  void aNameIsIrrelevantOnlyForItsOwnLoaderAndTheLoadersBelow() throws IOException {
    assertFalse(mayMatch(Plain.class));
    ClassLoader unrelated = new ClassLoader(null) {
    };
    assertTrue(filter.mayMatch(unrelated, classFile(PlainChild.class)), "Plain was seen in another loader only");
    ClassLoader child = new ClassLoader(loader) {
    };
    assertFalse(filter.mayMatch(child, classFile(PlainChild.class)), "Plain was seen in the parent loader");
  }

  private boolean mayMatch(Class<?> type) throws IOException {
    return filter.mayMatch(loader, classFile(type));
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
