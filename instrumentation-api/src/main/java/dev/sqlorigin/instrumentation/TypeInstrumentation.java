package dev.sqlorigin.instrumentation;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What one instrumentation changes: the classes, named by a super type they have or by their own
 * name, and the advice applied to their methods. The agent's class-header filter (which lets only
 * classes with one of the {@link #superTypes()} or {@link #names()} reach the weaver, and of the
 * former only those that declare a method of the {@link #methodNames()}) and its weaver are both
 * fed from this one description: both judge a type by the same names, so a type or a method cannot
 * be matched by the weaver and missed by the filter.
 */
public final class TypeInstrumentation {

  /** Advice applied to the methods a matcher selects. */
  public static final class MethodAdvice {
    private final MethodMatcher methods;
    private final String adviceClass;
    // For advice applied to a package twin: the two packages; else null.
    private final String writtenFor;
    private final String twin;

    MethodAdvice(MethodMatcher methods, String adviceClass, String writtenFor, String twin) {
      this.methods = methods;
      this.adviceClass = adviceClass;
      this.writtenFor = writtenFor;
      this.twin = twin;
    }

    public MethodMatcher methods() {
      return methods;
    }

    /** The binary name of the advice class, as written. */
    public String adviceClass() {
      return adviceClass;
    }

    /** The package the advice is written against, when it is applied to a twin; else null. */
    public String writtenFor() {
      return writtenFor;
    }

    /** The package the advice is applied to instead of {@link #writtenFor()}; else null. */
    public String twin() {
      return twin;
    }
  }

  private final String name;
  private final List<String> superTypes;
  private final List<String> names;
  // Null: any method may be advised.
  private final Set<String> methodNames;
  private final List<MethodAdvice> advice;
  private final ClassLoader adviceLoader;
  private final KnownVersions versions;

  private TypeInstrumentation(
      String name,
      List<String> superTypes,
      List<String> names,
      Set<String> methodNames,
      List<MethodAdvice> advice,
      ClassLoader adviceLoader,
      KnownVersions versions) {
    this.name = name;
    this.superTypes = superTypes;
    this.names = names;
    this.methodNames = methodNames;
    this.advice = advice;
    this.adviceLoader = adviceLoader;
    this.versions = versions;
  }

  /**
   * Changes the classes (never the interfaces) that have one of {@code superTypes} (binary names)
   * among their super types; {@code owner} is the instrumentation's class, which names it in logs
   * and whose loader serves its advice.
   */
  public static TypeInstrumentation subtypesOf(Class<?> owner, String... superTypes) {
    return new TypeInstrumentation(
        owner.getSimpleName(),
        List.of(superTypes),
        List.of(),
        null,
        List.of(),
        owner.getClassLoader(),
        null);
  }

  /** Changes the classes named {@code names} (binary names), whatever their super types. */
  public static TypeInstrumentation classesNamed(Class<?> owner, String... names) {
    return new TypeInstrumentation(
        owner.getSimpleName(),
        List.of(),
        List.of(names),
        null,
        List.of(),
        owner.getClassLoader(),
        null);
  }

  /**
   * This instrumentation, advising only methods named one of {@code methodNames} (whatever else its
   * advice's matchers say): a class that declares none of them is never changed, and the agent's
   * class-header filter, which reads the names a class declares, need not look up its super types
   * at all. Every instrumentation by super type states them: most classes that load declare none,
   * and looking up their super types (reading their class files) was most of the filter's cost at
   * start-up.
   */
  public TypeInstrumentation methodsNamed(String... methodNames) {
    return new TypeInstrumentation(
        name, superTypes, names, Set.of(methodNames), advice, adviceLoader, versions);
  }

  /** This instrumentation with {@code adviceClass} also applied to the {@code methods} matched. */
  public TypeInstrumentation advise(MethodMatcher methods, Class<?> adviceClass) {
    return with(new MethodAdvice(methods, adviceClass.getName(), null, null));
  }

  /**
   * This instrumentation with {@code adviceClass}, written against the package {@code writtenFor},
   * also applied to the {@code methods} matched as if written against {@code basePackage}: for twin
   * APIs that differ only by their package ({@code jakarta.servlet} and {@code javax.servlet}), one
   * advice serves both. Every reference to {@code writtenFor} and its subpackages is renamed in the
   * code the weaver copies from the advice; the advice class is never run, and the types it then
   * names are resolved from the instrumented class's loader. The same as {@link
   * #advise(MethodMatcher, Class)} when the two packages are the same.
   */
  public TypeInstrumentation advise(
      MethodMatcher methods, Class<?> adviceClass, String writtenFor, String basePackage) {
    if (writtenFor.equals(basePackage)) {
      return advise(methods, adviceClass);
    }
    return with(new MethodAdvice(methods, adviceClass.getName(), writtenFor, basePackage));
  }

  /** This instrumentation under another name (for logs and tests). */
  public TypeInstrumentation called(String newName) {
    return new TypeInstrumentation(
        newName, superTypes, names, methodNames, advice, adviceLoader, versions);
  }

  private TypeInstrumentation with(MethodAdvice added) {
    List<MethodAdvice> more = new ArrayList<>(advice);
    more.add(added);
    return new TypeInstrumentation(
        name,
        superTypes,
        names,
        methodNames,
        Collections.unmodifiableList(more),
        adviceLoader,
        versions);
  }

  /**
   * This instrumentation, applied only to classes whose jar says (its manifest's {@code
   * Implementation-Version}) it is of a major version from {@code fromMajor} up to, not including,
   * {@code toMajor}: the versions whose internals the advice was written and tested against, and
   * only where the class's loader also finds {@code requiredClass} (binary name; null: none).
   * Elsewhere the class loads unchanged (see {@link #refusal}). {@code title} names the framework
   * in the log.
   */
  public TypeInstrumentation forVersions(
      String title, int fromMajor, int toMajor, String requiredClass) {
    return new TypeInstrumentation(
        name,
        superTypes,
        names,
        methodNames,
        advice,
        adviceLoader,
        new KnownVersions(title, fromMajor, toMajor, requiredClass));
  }

  /**
   * Why this instrumentation must leave a class of {@code loader}, defined in {@code domain},
   * alone: a version of its framework it does not know or cannot read, to be said once in the log;
   * the empty string when the class is simply not what it is for (its {@code requiredClass} is
   * absent); null to go ahead.
   */
  public String refusal(ClassLoader loader, ProtectionDomain domain) {
    return versions == null ? null : versions.refusal(loader, domain);
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

  /**
   * The only names of the methods advised ({@link #methodsNamed}), or null when any method may be.
   */
  public Set<String> methodNames() {
    return methodNames;
  }

  public List<MethodAdvice> advice() {
    return advice;
  }

  /** Which methods {@code each} applies to: its matcher, within {@link #methodNames()}. */
  public MethodMatcher methods(MethodAdvice each) {
    return methodNames == null
        ? each.methods()
        : method -> methodNames.contains(method.name()) && each.methods().matches(method);
  }

  /** The loader that serves the advice's class files. */
  public ClassLoader adviceLoader() {
    return adviceLoader;
  }

  /**
   * Whether this instrumentation changes the type named {@code name} (binary name), an interface or
   * not, whose {@code hierarchy} (binary names: the type itself and all its super classes and
   * interfaces) is given: from {@link #superTypes()} and {@link #names()}, nothing else. By names,
   * so that a class's hierarchy is walked once for every instrumentation, not once for each.
   */
  public boolean changes(String name, boolean isInterface, Set<String> hierarchy) {
    if (names.contains(name)) {
      return true;
    }
    if (isInterface) {
      return false;
    }
    for (String superType : superTypes) {
      if (hierarchy.contains(superType)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return name;
  }

  /** The versions of a framework that an instrumentation knows. */
  private static final class KnownVersions {
    private final String title;
    private final int fromMajor;
    private final int toMajor;
    private final String requiredResource;
    // Per jar: its Implementation-Version, or "" when it has none.
    private final Map<String, String> versions = new ConcurrentHashMap<>();

    KnownVersions(String title, int fromMajor, int toMajor, String requiredClass) {
      this.title = title;
      this.fromMajor = fromMajor;
      this.toMajor = toMajor;
      this.requiredResource =
          requiredClass == null ? null : requiredClass.replace('.', '/') + ".class";
    }

    String refusal(ClassLoader loader, ProtectionDomain domain) {
      if (requiredResource != null
          && (loader == null
                  ? ClassLoader.getSystemResource(requiredResource)
                  : loader.getResource(requiredResource))
              == null) {
        return "";
      }
      URL jar =
          domain == null || domain.getCodeSource() == null
              ? null
              : domain.getCodeSource().getLocation();
      String version =
          jar == null ? "" : versions.computeIfAbsent(jar.toString(), key -> version(jar));
      String known =
          fromMajor + ".x" + (toMajor - fromMajor > 1 ? " to " + (toMajor - 1) + ".x" : "");
      if (version.isEmpty()) {
        return "sqlorigin leaves "
            + title
            + " alone: its version cannot be read from "
            + (jar == null ? "its class loader" : jar.toString())
            + " (it knows "
            + known
            + ")";
      }
      int major = major(version);
      if (major >= fromMajor && major < toMajor) {
        return null;
      }
      String path = jar.getPath();
      return "sqlorigin leaves "
          + title
          + " "
          + version
          + " alone ("
          + path.substring(path.lastIndexOf('/') + 1)
          + "; it knows "
          + known
          + ")";
    }

    private static String version(URL jar) {
      try {
        if (!"file".equals(jar.getProtocol()) || !jar.getPath().endsWith(".jar")) {
          return "";
        }
        try (JarFile file = new JarFile(new File(jar.toURI()), false)) {
          Manifest manifest = file.getManifest();
          String version =
              manifest == null
                  ? null
                  : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
          return version == null ? "" : version.trim();
        }
      } catch (IOException | URISyntaxException | RuntimeException unreadable) {
        return "";
      }
    }

    private static int major(String version) {
      int end = 0;
      while (end < version.length() && Character.isDigit(version.charAt(end))) {
        end++;
      }
      try {
        return end == 0 ? -1 : Integer.parseInt(version.substring(0, end));
      } catch (NumberFormatException tooLong) {
        return -1;
      }
    }
  }
}
