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
    // For advice applied to a package twin: the class it is written as, and the two packages.
    private final String writtenClass;
    private final String writtenFor;
    private final String twin;

    MethodAdvice(
        ElementMatcher<? super MethodDescription> methods,
        String adviceClass,
        String writtenClass,
        String writtenFor,
        String twin) {
      this.methods = methods;
      this.adviceClass = adviceClass;
      this.writtenClass = writtenClass;
      this.writtenFor = writtenFor;
      this.twin = twin;
    }

    public ElementMatcher<? super MethodDescription> methods() {
      return methods;
    }

    /** The name Byte Buddy reads the advice by (a twin's is the written class's, suffixed). */
    public String adviceClass() {
      return adviceClass;
    }

    /** The class the advice is written as, when it is applied to a package twin, else null. */
    String writtenClass() {
      return writtenClass;
    }

    String writtenFor() {
      return writtenFor;
    }

    String twin() {
      return twin;
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
    return with(new MethodAdvice(methods, adviceClass.getName(), null, null, null));
  }

  /**
   * This instrumentation with {@code adviceClass}, written against the package {@code writtenFor},
   * also applied to the {@code methods} matched as if written against {@code basePackage}: for twin
   * APIs that differ only by their package ({@code jakarta.servlet} and {@code javax.servlet}), one
   * advice serves both. Every reference to {@code writtenFor} and its subpackages is renamed in the
   * class file the advice is inlined from; the advice class is never loaded, and the types it then
   * names are resolved from the instrumented class's loader. The same as {@link
   * #advise(ElementMatcher, Class)} when the two packages are the same.
   */
  public TypeInstrumentation advise(
      ElementMatcher<? super MethodDescription> methods,
      Class<?> adviceClass,
      String writtenFor,
      String basePackage) {
    if (writtenFor.equals(basePackage)) {
      return advise(methods, adviceClass);
    }
    return with(
        new MethodAdvice(
            methods,
            adviceClass.getName() + "$" + basePackage.replace('.', '_'),
            adviceClass.getName(),
            writtenFor,
            basePackage));
  }

  /** This instrumentation under another name (for logs and tests). */
  public TypeInstrumentation called(String newName) {
    return new TypeInstrumentation(newName, superTypes, names, advice, adviceLoader);
  }

  private TypeInstrumentation with(MethodAdvice added) {
    List<MethodAdvice> more = new ArrayList<>(advice);
    more.add(added);
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
    AgentBuilder.Transformer.ForAdvice transformer = new AgentBuilder.Transformer.ForAdvice();
    List<MethodAdvice> twins = new ArrayList<>();
    for (MethodAdvice each : advice) {
      if (each.writtenClass() != null) {
        twins.add(each);
      }
    }
    if (!twins.isEmpty()) {
      transformer = transformer.include(new PackageTwin(adviceLoader, twins));
    }
    transformer = transformer.include(adviceLoader);
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
