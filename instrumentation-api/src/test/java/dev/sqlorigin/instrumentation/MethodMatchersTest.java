package dev.sqlorigin.instrumentation;

import static dev.sqlorigin.instrumentation.MethodMatchers.isAbstract;
import static dev.sqlorigin.instrumentation.MethodMatchers.isConstructor;
import static dev.sqlorigin.instrumentation.MethodMatchers.named;
import static dev.sqlorigin.instrumentation.MethodMatchers.namedOneOf;
import static dev.sqlorigin.instrumentation.MethodMatchers.not;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgument;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArgumentExtending;
import static dev.sqlorigin.instrumentation.MethodMatchers.takesArguments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MethodMatchersTest {

  // A type hierarchy as a class loader's class files would give it.
  private static final Map<String, Set<String>> HIERARCHY =
      Map.of(
          "org.example.Request",
          Set.of("org.example.Request", "org.example.Context", "java.lang.Object"));

  private static DeclaredMethod method(int access, String name, String descriptor) {
    return new DeclaredMethod(access, name, descriptor, HIERARCHY::get);
  }

  private final DeclaredMethod execute =
      method(
          Modifier.PUBLIC,
          "execute",
          "(Ljava/lang/String;J[I[[Ljava/lang/String;DLorg/example/Request;Z)Z");

  @Test
  void parametersAreNamedAsClassNamesThem() {
    assertEquals(
        List.of(
            String.class.getName(),
            "long",
            int[].class.getName(),
            String[][].class.getName(),
            "double",
            "org.example.Request",
            "boolean"),
        execute.parameterTypes());
    assertEquals(List.of(), method(Modifier.PUBLIC, "run", "()V").parameterTypes());
  }

  @Test
  void argumentsMatchByTypeAndPositionAndSuperTypesFromTheHierarchy() {
    assertTrue(takesArgument(0, String.class).matches(execute));
    assertTrue(
        takesArgument(2, int[].class).and(takesArgument(3, String[][].class)).matches(execute));
    assertTrue(takesArgument(5, "org.example.Request").matches(execute));
    assertFalse(takesArgument(1, String.class).matches(execute));
    assertFalse(takesArgument(7, String.class).matches(execute), "no eighth argument");
    assertTrue(takesArgumentExtending(5, "org.example.Context").matches(execute));
    assertFalse(takesArgumentExtending(5, "org.example.Other").matches(execute));
    assertFalse(
        takesArgumentExtending(0, "java.lang.CharSequence").matches(execute),
        "a type whose class files were not read has no super types known");
    assertTrue(takesArguments(7).matches(execute));
    assertFalse(takesArguments(String.class).matches(execute));
    assertTrue(
        takesArguments(String.class)
            .matches(method(Modifier.PUBLIC, "addBatch", "(Ljava/lang/String;)V")));
  }

  @Test
  void namesModifiersAndTheirCombinations() {
    DeclaredMethod abstractClose = method(Modifier.PUBLIC | Modifier.ABSTRACT, "close", "()V");
    assertTrue(named("execute").matches(execute));
    assertTrue(namedOneOf("close", "execute").matches(execute));
    assertTrue(not(isAbstract()).matches(execute));
    assertFalse(named("close").and(not(isAbstract())).matches(abstractClose));
    assertTrue(named("open").or(isAbstract()).matches(abstractClose));
    assertTrue(isConstructor().matches(method(Modifier.PUBLIC, "<init>", "()V")));
    assertFalse(isConstructor().matches(execute));
  }
}
