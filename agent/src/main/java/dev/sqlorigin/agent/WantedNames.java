package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the class-header filter looks for, by name: the classes changed by name, the super types
 * whose implementations are changed, and the names of the methods those advise (internal names,
 * {@code java/sql/Statement}). Derived from the instrumentation list, and written into the agent's
 * jar when it is built ({@link #RESOURCE}, by {@link #main}): the list's advice matchers load Byte
 * Buddy, a tenth of a second that premain's filter, which judges the application's classes from its
 * first, would otherwise wait for on the application's main thread; these names are read in a
 * millisecond. {@code WantedNamesTest} holds the jar's copy to the list.
 */
final class WantedNames {

  /** Where the build writes the names, beside this class. */
  static final String RESOURCE = "wanted-names.txt";

  final Set<String> exactNames;
  final Set<String> superTypes;
  // Null: any method of a class with a wanted super type may be advised.
  final AsciiNames methodNames;

  private WantedNames(Set<String> exactNames, Set<String> superTypes, Set<String> methodNames) {
    this.exactNames = exactNames;
    this.superTypes = superTypes;
    this.methodNames = methodNames == null ? null : AsciiNames.of(methodNames);
  }

  /** What {@code instrumentations} want. */
  static WantedNames of(Collection<TypeInstrumentation> instrumentations) {
    Set<String> names = new TreeSet<>();
    Set<String> superTypes = new TreeSet<>();
    Set<String> methods = new TreeSet<>();
    boolean anyMethod = false;
    for (TypeInstrumentation instrumentation : instrumentations) {
      instrumentation.names().forEach(name -> names.add(internal(name)));
      instrumentation.superTypes().forEach(name -> superTypes.add(internal(name)));
      if (!instrumentation.superTypes().isEmpty()) {
        if (instrumentation.methodNames() == null) {
          anyMethod = true;
        } else {
          methods.addAll(instrumentation.methodNames());
        }
      }
    }
    if (superTypes.contains("java/sql/Statement")) {
      // The JDK's own sub-interfaces of a wanted type: the JDK may have loaded them before us.
      superTypes.add("java/sql/PreparedStatement");
      superTypes.add("java/sql/CallableStatement");
    }
    return new WantedNames(Set.copyOf(names), Set.copyOf(superTypes), anyMethod ? null : methods);
  }

  /**
   * The names the build wrote into the jar; null when they are not there (a build without that
   * step: the filter then waits for the list).
   */
  static WantedNames fromJar() {
    try (InputStream in = WantedNames.class.getResourceAsStream(RESOURCE)) {
      return in == null ? null : parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
  }

  /**
   * One name a line, each after its kind: {@code class}, {@code super}, {@code method}, {@code
   * any-method}.
   */
  String text() {
    StringBuilder text =
        new StringBuilder("# What sqlorigin's class-header filter looks for (see WantedNames).\n");
    new TreeSet<>(exactNames).forEach(name -> text.append("class ").append(name).append('\n'));
    new TreeSet<>(superTypes).forEach(name -> text.append("super ").append(name).append('\n'));
    if (methodNames == null) {
      text.append("any-method\n");
    } else {
      new TreeSet<>(methodNames.names())
          .forEach(name -> text.append("method ").append(name).append('\n'));
    }
    return text.toString();
  }

  static WantedNames parse(String text) {
    Set<String> names = new TreeSet<>();
    Set<String> superTypes = new TreeSet<>();
    Set<String> methods = new TreeSet<>();
    boolean anyMethod = false;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int space = line.indexOf(' ');
      String kind = space < 0 ? line : line.substring(0, space);
      String name = space < 0 ? "" : line.substring(space + 1);
      switch (kind) {
        case "class":
          names.add(name);
          break;
        case "super":
          superTypes.add(name);
          break;
        case "method":
          methods.add(name);
          break;
        case "any-method":
          anyMethod = true;
          break;
        default:
          throw new IllegalArgumentException("not a wanted name: " + line);
      }
    }
    return new WantedNames(Set.copyOf(names), Set.copyOf(superTypes), anyMethod ? null : methods);
  }

  private static String internal(String binaryName) {
    return binaryName.replace('.', '/');
  }

  /** Writes the names the instrumentation list wants to {@code args[0]}: run by the build. */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    Files.createDirectories(file.getParent());
    Files.writeString(file, of(Instrumentations.ALL).text(), StandardCharsets.UTF_8);
  }
}
