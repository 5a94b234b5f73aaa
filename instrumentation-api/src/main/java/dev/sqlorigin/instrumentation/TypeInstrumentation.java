package dev.sqlorigin.instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * What one instrumentation changes: the classes, named by a super type they have or by their own
 * name, and the advice applied to their methods. The agent's class-header filter (which lets only
 * classes with one of the {@link #superTypes()} or {@link #names()} reach Byte Buddy) and its
 * weaver are both fed from this one description: the matcher is derived from the same names, so a
 * type cannot be matched by the weaver and missed by the filter.
 */
public final class TypeInstrumentation {

  /** Advice applied to the methods a matcher selects. */
  public static final class MethodAdvice {
    private final ElementMatcher<? super MethodDescription> methods;
    private final String adviceClass;

    MethodAdvice(ElementMatcher<? super MethodDescription> methods, String adviceClass) {
      this.methods = methods;
      this.adviceClass = adviceClass;
    }

    public ElementMatcher<? super MethodDescription> methods() {
      return methods;
    }

    public String adviceClass() {
      return adviceClass;
    }
  }

  private final String name;
  private final List<String> superTypes;
  private final List<String> names;
  private final List<MethodAdvice> advice;
  private final ClassLoader adviceLoader;

  private TypeInstrumentation(
      String name,
      List<String> superTypes,
      List<String> names,
      List<MethodAdvice> advice,
      ClassLoader adviceLoader) {
    this.name = name;
    this.superTypes = superTypes;
    this.names = names;
    this.advice = advice;
    this.adviceLoader = adviceLoader;
  }

  /**
   * Changes the classes (never the interfaces) that have one of {@code superTypes} (binary names)
   * among their super types; {@code owner} is the instrumentation's class, which names it in logs
   * and whose loader serves its advice.
   */
  public static TypeInstrumentation subtypesOf(Class<?> owner, String... superTypes) {
    return new TypeInstrumentation(
        owner.getSimpleName(), List.of(superTypes), List.of(), List.of(), owner.getClassLoader());
  }

  /** Changes the classes named {@code names} (binary names), whatever their super types. */
  public static TypeInstrumentation classesNamed(Class<?> owner, String... names) {
    return new TypeInstrumentation(
        owner.getSimpleName(), List.of(), List.of(names), List.of(), owner.getClassLoader());
  }

  /** This instrumentation with {@code adviceClass} also applied to the {@code methods} matched. */
  public TypeInstrumentation advise(
      ElementMatcher<? super MethodDescription> methods, Class<?> adviceClass) {
    List<MethodAdvice> more = new ArrayList<>(advice);
    more.add(new MethodAdvice(methods, adviceClass.getName()));
    return new TypeInstrumentation(
        name, superTypes, names, Collections.unmodifiableList(more), adviceLoader);
  }

  /** The instrumentation's name, for logs and tests. */
  public String name() {
    return name;
  }

  /** The super types whose implementations are changed (binary names); may be empty. */
  public List<String> superTypes() {
    return superTypes;
  }

  /** The classes changed by name (binary names); may be empty. */
  public List<String> names() {
    return names;
  }

  public List<MethodAdvice> advice() {
    return advice;
  }

  /** The types changed: derived from {@link #superTypes()} and {@link #names()}, nothing else. */
  public ElementMatcher<TypeDescription> types() {
    ElementMatcher.Junction<TypeDescription> byName = namedOneOf(names.toArray(new String[0]));
    if (superTypes.isEmpty()) {
      return byName;
    }
    return byName.or(
        not(isInterface()).and(hasSuperType(namedOneOf(superTypes.toArray(new String[0])))));
  }

  /**
   * Whether {@code type}, which {@link #types()} matched, declares a method that some advice
   * applies to: a class that declares none would be rewritten for nothing.
   */
  public boolean advises(TypeDescription type) {
    for (MethodDescription method : type.getDeclaredMethods()) {
      for (MethodAdvice each : advice) {
        if (each.methods().matches(method)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The transformer that applies the advice, in the order it was declared. */
  public AgentBuilder.Transformer transformer() {
    AgentBuilder.Transformer.ForAdvice transformer =
        new AgentBuilder.Transformer.ForAdvice().include(adviceLoader);
    for (MethodAdvice each : advice) {
      transformer = transformer.advice(each.methods(), each.adviceClass());
    }
    return transformer;
  }

  @Override
  public String toString() {
    return name;
  }
}
