package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.util.Set;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

class WeaverTest {

  interface Optional {}

  interface Extended extends Optional {}

  static class Base implements Runnable {
    @Override
    public void run() {}
  }

  static class Implementing extends Base implements Extended {}

  @Test
  void aTypesHierarchyIsItselfAndEverySuperClassAndInterfaceAboveIt() {
    TypePool pool = TypePool.Default.of(getClass().getClassLoader());
    assertEquals(
        Set.of(
            Implementing.class.getName(),
            Base.class.getName(),
            Object.class.getName(),
            Runnable.class.getName(),
            Extended.class.getName(),
            Optional.class.getName()),
        Weaver.hierarchy(pool.describe(Implementing.class.getName()).resolve()));
  }

  @Test
  void aTypeWithASuperTypeMissingHasNoHierarchyAndSoNoInstrumentation() throws Exception {
    // Only the class's own file and the JDK's: its super class and interfaces cannot be found.
    String name = Implementing.class.getName();
    byte[] classFile;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
      classFile = in.readAllBytes();
    }
    TypePool pool =
        TypePool.Default.of(
            new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(name, classFile),
                ClassFileLocator.ForClassLoader.ofBootLoader()));
    assertNull(Weaver.hierarchy(pool.describe(name).resolve()));
  }
}
