package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets the weaver look only at the classes that may match. Every instrumentation matches by super
 * type ({@code java.sql.Statement}, {@code jakarta.servlet.Filter}, ...) or by exact name, and a
 * weaver answers that by parsing each loaded class and its super types: in a Spring Boot
 * application that was most of the agent's start-up cost (with Byte Buddy, which wove then). This
 * filter reads only the header of each class file and remembers, per class name, whether the class
 * has one of the wanted super types. A class goes to the weaver unless each of its direct super
 * types is known not to lead to one; an interface never does, as no instrumentation changes
 * interfaces.
 *
 * <p>Nor does a class that declares none of the methods the instrumentations by super type advise
 * ({@link TypeInstrumentation#methodNames()}: {@code execute}, {@code doFilter}, ...): most classes
 * that load. Its super types are not looked up then, and nothing of it is kept: once loaded, the
 * JVM holds its super types ({@link LoadedClasses}), for a class that may be changed and extends
 * it.
 *
 * <p>The JVM runs transformers on a class before it loads the class's super types, so a super type
 * may not have been loaded yet: its header is then read from its class file, as the class's loader
 * finds it, and judged the same way. Not loaded: a class loaded from inside a transformer is
 * transformed by nobody (the JVM's agent support does not re-enter), ours and other agents' alike.
 * A class whose hierarchy cannot be read that way (a super type generated at run time, a loader
 * that does not serve class files) goes to the weaver, which decides by reading the class files
 * itself. A name is called relevant for every class loader (at worst the weaver then looks at a
 * class for nothing), but irrelevant only for the loader that defined it and the loaders below it:
 * a super type is looked up where the class's loader would find it.
 */
final class SuperTypeFilter implements ClassFileTransformer {

  // Deeper hierarchies than this are left to the weaver (and a cycle in broken class files ends).
  private static final int MAX_DEPTH = 32;
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

  private final Future<ClassFileTransformer> weaver;
  private final Future<WantedNames> wantedNames;
  // The agent's own loader (null: none): it loads the weaver while the instrumentations are built.
  private final ClassLoader agent;
  // The thread that builds the instrumentations and the weaver (null: none): it never waits for
  // them, whatever it loads.
  private final Thread builder;
  private final long waitNanos;
  // Once the instrumentations or the weaver were late, later classes do not wait for them.
  private volatile boolean late;
  private volatile WantedNames wanted;
  // Names (internal form) with a wanted super type, the wanted ones included.
  private final Set<String> relevant = ConcurrentHashMap.newKeySet();
  // Per defining loader, the names whose super types are all known not to lead to a wanted one.
  private final Map<ClassLoader, Set<String>> irrelevant =
      Collections.synchronizedMap(new WeakHashMap<>());
  // Where the super types of the classes loaded already are found; none until the agent's thread
  // has opened the JVM's (premain does not wait for it).
  private volatile LoadedClasses loaded = LoadedClasses.NONE;

  /** Lets through the classes that {@code instrumentations} may change, to {@code weaver}. */
  SuperTypeFilter(
      Future<ClassFileTransformer> weaver,
      Collection<TypeInstrumentation> instrumentations,
      long waitNanos) {
    this(
        weaver,
        CompletableFuture.completedFuture(WantedNames.of(instrumentations)),
        waitNanos,
        null,
        null);
  }

  /**
   * As above, with what the instrumentations want by name read from the jar, or still being worked
   * out from the list (by the thread that builds the weaver): a class of the application waits for
   * it, no longer than {@code waitNanos}, as for the weaver. The classes of {@code agent}, the
   * agent's own loader, are left alone without waiting, and so is whatever {@code builder}, the
   * thread that builds the two, loads before they are built.
   */
  SuperTypeFilter(
      Future<ClassFileTransformer> weaver,
      Future<WantedNames> wantedNames,
      long waitNanos,
      ClassLoader agent,
      Thread builder) {
    this.weaver = weaver;
    this.wantedNames = wantedNames;
    this.waitNanos = waitNanos;
    this.agent = agent;
    this.builder = builder;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    // The JDK's classes are not ours to change (the executors' few have a weaver of their own),
    // nor the agent's.
    if (loader == null || loader == PLATFORM || loader == agent) {
      return null;
    }
    try {
      if (classBeingRedefined == null && !mayMatch(loader, classfileBuffer, className)) {
        return null;
      }
      ClassFileTransformer built = await(weaver, className);
      return built == null
          ? null
          : built.transform(
              module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
    } catch (Throwable t) {
      // The JVM drops what a transformer throws without a word: said here, once.
      AgentLog.warnOnce(
          "filter",
          "sqlorigin's class filter failed on "
              + String.valueOf(className).replace('/', '.')
              + " ("
              + t
              + "); classes it fails on load unchanged",
          null);
      return null;
    }
  }

  /** What {@code future} built; null if it failed (said once, where it failed) or is late. */
  private <T> T await(Future<T> future, String className) {
    if (!future.isDone() && (late || Thread.currentThread() == builder)) {
      return null;
    }
    try {
      return future.get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      late = true;
      AgentLog.warnOnce(
          "weaver-late",
          "sqlorigin's instrumentation was not ready after "
              + TimeUnit.NANOSECONDS.toMillis(waitNanos)
              + " ms; "
              + String.valueOf(className).replace('/', '.')
              + " loads without it, as may other classes until it is",
          null);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) {
      return null;
    }
  }

  /** What the instrumentations want, once known; null if working it out failed or is late. */
  private WantedNames wanted(String className) {
    WantedNames known = wanted;
    if (known != null) {
      return known;
    }
    WantedNames built = await(wantedNames, className);
    if (built == null) {
      return null;
    }
    synchronized (this) {
      if (wanted == null) {
        relevant.addAll(built.superTypes);
        wanted = built;
      }
      return wanted;
    }
  }

  boolean mayMatch(ClassLoader loader, byte[] classFile) {
    return mayMatch(loader, classFile, null);
  }

  /**
   * Whether the class of {@code classFile} may be changed; false, the class loading unchanged, when
   * the instrumentations are not there.
   */
  private boolean mayMatch(ClassLoader loader, byte[] classFile, String className) {
    WantedNames want = wanted(className);
    if (want == null) {
      return false;
    }
    ClassHeader header = ClassHeader.read(classFile, want.methodNames);
    if (header == null) {
      return true;
    }
    if (header.isInterface || !header.declaresNamedMethod) {
      // Not changed by an instrumentation by super type: no instrumentation changes an interface
      // (jakarta.servlet.Servlet loads early in a Spring Boot application, long before anything
      // that can be changed), and a class that declares none of the advised methods has nothing
      // to change. Only a class named by an instrumentation may be.
      return !header.isInterface && want.exactNames.contains(header.name);
    }
    return judge(loader, header, 0) != Verdict.IRRELEVANT || want.exactNames.contains(header.name);
  }

  /** Finds the super types of the classes loaded already in {@code loaded} from now on. */
  void findLoadedClassesIn(LoadedClasses loaded) {
    this.loaded = loaded;
  }

  private enum Verdict {
    RELEVANT,
    IRRELEVANT,
    UNKNOWN
  }

  /** Whether {@code header}'s class has a wanted super type, remembering the answer. */
  private Verdict judge(ClassLoader loader, ClassHeader header, int depth) {
    return judge(loader, header.name, header.superTypes, depth);
  }

  /**
   * Whether class {@code name}, of {@code superTypes}, has a wanted one, remembering the answer.
   */
  private Verdict judge(ClassLoader loader, String name, String[] superTypes, int depth) {
    boolean unknown = false;
    for (String superType : superTypes) {
      Verdict verdict = judge(loader, superType, depth);
      if (verdict == Verdict.RELEVANT) {
        relevant.add(name);
        return Verdict.RELEVANT;
      }
      unknown |= verdict == Verdict.UNKNOWN;
    }
    if (unknown || relevant.contains(name)) {
      return Verdict.UNKNOWN;
    }
    irrelevant.computeIfAbsent(loader, key -> ConcurrentHashMap.newKeySet()).add(name);
    return Verdict.IRRELEVANT;
  }

  /**
   * The verdict on a super type: remembered, judged by its super types if it is loaded, or read
   * from its class file as the class's loader finds it (the JVM has not loaded it yet: it runs
   * transformers before it loads super types).
   */
  private Verdict judge(ClassLoader loader, String name, int depth) {
    if (relevant.contains(name)) {
      return Verdict.RELEVANT;
    }
    // The JDK's own types lead to a wanted one only if they are one (java.sql.Statement).
    if (name.startsWith("java/") || isIrrelevant(loader, name)) {
      return Verdict.IRRELEVANT;
    }
    if (depth == MAX_DEPTH) {
      return Verdict.UNKNOWN;
    }
    // Loaded already (seen by this filter before, or defined where it did not look): judged by
    // the super types the JVM holds.
    String[] superTypes = loaded.superTypes(loader, name);
    if (superTypes != null) {
      return judge(loader, name, superTypes, depth + 1);
    }
    ClassHeader header;
    try (InputStream in = loader.getResourceAsStream(name + ".class")) {
      header = in == null ? null : ClassHeader.read(in.readAllBytes());
    } catch (IOException | RuntimeException unreadable) {
      header = null;
    }
    // Not found (a class generated at run time) or not readable: the weaver decides.
    return header == null ? Verdict.UNKNOWN : judge(loader, header, depth + 1);
  }

  private boolean isIrrelevant(ClassLoader loader, String name) {
    for (ClassLoader at = loader; at != null; at = at.getParent()) {
      Set<String> names = irrelevant.get(at);
      if (names != null && names.contains(name)) {
        return true;
      }
    }
    return false;
  }
}
