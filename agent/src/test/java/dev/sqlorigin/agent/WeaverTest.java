package dev.sqlorigin.agent;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.Advice;
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

  static class Named extends Base {
    @Override
    public void run() {}
  }

  public static class RunAdvice {
    @Advice.OnMethodEnter
    public static void onEnter() {}
  }

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

  @Test
  void aWeaverOfClassesByNameAloneReadsNoSuperTypeOfThem() throws Exception {
    // A loader that cannot find Named's super class: a weaver that read the hierarchy would find
    // it missing and leave the class alone; one that changes classes by name only never looks.
    String name = Named.class.getName();
    Weaver byName =
        new Weaver(
            AgentInstaller.byteBuddy(),
            List.of(
                TypeInstrumentation.classesNamed(WeaverTest.class, name)
                    .advise(named("run"), RunAdvice.class)),
            none());
    try (URLClassLoader withoutBase = new URLClassLoader(new URL[0], null)) {
      assertNotNull(
          byName.transform(
              withoutBase.getUnnamedModule(),
              withoutBase,
              name.replace('.', '/'),
              null,
              null,
              classFile(name)),
          "the named class is woven without its super class being read");
    }
  }

  private byte[] classFile(String name) throws IOException {
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
