package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;

class HierarchiesTest {

  interface Optional {}

  interface Extended extends Optional {}

  static class Base implements Runnable {
    @Override
    public void run() {}
  }

  static class Implementing extends Base implements Extended {}

  private final ClassLoader loader = getClass().getClassLoader();

  @Test
  void aTypesHierarchyIsItselfAndEverySuperClassAndInterfaceAboveIt() {
    assertEquals(
        Set.of(
            internal(Implementing.class),
            internal(Base.class),
            internal(Object.class),
            internal(Runnable.class),
            internal(Extended.class),
            internal(Optional.class)),
        new Hierarchies(LoadedClasses.NONE).of(loader, internal(Implementing.class)));
  }

  @Test
  void aTypeWithASuperTypeMissingHasNoHierarchyAndSoNoInstrumentation() {
    // As Netty's Log4J2Logger is where Log4j 2 is absent: the JVM cannot define it either.
    assertNull(
        new Hierarchies(LoadedClasses.NONE)
            .of(loader, "samples/OrphanLogger", new String[] {"absent/LoggerWrapper"}));
  }

  @Test
  void theSuperTypesOfLoadedClassesAreTheJvmsWhereNoClassFileOfThemCanBeRead() throws Exception {
    ClassLoader servesNoClassFiles = new ServesNoClassFiles(loader);
    assertNull(
        new Hierarchies(LoadedClasses.NONE).of(servesNoClassFiles, internal(Implementing.class)));
    assertEquals(
        new Hierarchies(LoadedClasses.NONE).of(loader, internal(Implementing.class)),
        new Hierarchies(LoadedClasses.opened())
            .of(servesNoClassFiles, internal(Implementing.class)));
  }

  private static String internal(Class<?> type) {
    return type.getName().replace('.', '/');
  }
}
