package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.Serializable;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class LoadedClassesTest {

  abstract static class Base implements Statement, Serializable {
    private static final long serialVersionUID = 1L;
  }

  abstract static class Derived extends Base implements Runnable {
    private static final long serialVersionUID = 1L;
  }

  private final ClassLoader loader = getClass().getClassLoader();

  @Test
  void aLoadedClassHasItsSuperClassThenItsInterfacesAsItsClassFileNamesThem() throws Exception {
    LoadedClasses loaded = LoadedClasses.opened();
    assertArrayEquals(
        new String[] {"java/lang/Object", "java/sql/Statement", "java/io/Serializable"},
        loaded.superTypes(loader, internal(Base.class)));
    assertArrayEquals(
        new String[] {internal(Base.class), "java/lang/Runnable"},
        loaded.superTypes(loader, internal(Derived.class)));
    assertArrayEquals(
        new String[] {"java/sql/Wrapper", "java/lang/AutoCloseable"},
        loaded.superTypes(loader, "java/sql/Statement"),
        "an interface: no super class");
    assertArrayEquals(new String[0], loaded.superTypes(loader, "java/lang/Object"));
  }

  @Test
  void aClassIsFoundThroughTheLoadersBelowTheOneThatLoadedIt() throws Exception {
    ClassLoader child = new ClassLoader(loader) {};
    assertArrayEquals(
        new String[] {internal(Base.class), "java/lang/Runnable"},
        LoadedClasses.opened().superTypes(child, internal(Derived.class)));
  }

  @Test
  void aClassNoLoaderOfTheChainHasLoadedIsNotFound() throws Exception {
    LoadedClasses loaded = LoadedClasses.opened();
    assertNull(loaded.superTypes(loader, "dev/sqlorigin/agent/NoSuchClass"));
    assertNull(
        loaded.superTypes(new ClassLoader(null) {}, internal(Derived.class)),
        "loaded, but by a loader out of this one's chain");
    assertNull(LoadedClasses.NONE.superTypes(loader, internal(Derived.class)), "NONE finds none");
  }

  private static String internal(Class<?> type) {
    return type.getName().replace('.', '/');
  }
}
