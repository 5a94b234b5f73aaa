package dev.sqlorigin.instrumentation;

import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Applies an instrumentation's advice, read once per class loader of the classes it changes. Byte
 * Buddy's {@code AgentBuilder.Transformer.ForAdvice} reads and parses every advice class again for
 * each class it changes, with the types the advice names: at start-up, on the thread that loads the
 * class, a quarter of the agent's time there. The advice is the same for every class of a loader
 * (its types resolve the same way), so it is read for the first and kept.
 *
 * <p>Kept per loader in a weak map, and what is kept reaches the loader only through a weakly
 * referencing class-file locator: a redeployed web application's loader goes when nothing else
 * holds it.
 */
final class AdviceByLoader implements AgentBuilder.Transformer {

  /** One advice: the methods it applies to, and its class's name. */
  static final class Entry {
    final ElementMatcher<? super MethodDescription> methods;
    final String adviceClass;

    Entry(ElementMatcher<? super MethodDescription> methods, String adviceClass) {
      this.methods = methods;
      this.adviceClass = adviceClass;
    }
  }

  private final ClassFileLocator adviceLocator;
  private final List<Entry> entries;
  // The bootstrap loader is the null key, which a WeakHashMap holds like any other.
  private final Map<ClassLoader, AsmVisitorWrapper> byLoader =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** {@code entries}, in the order they apply; their class files are found by {@code locator}. */
  AdviceByLoader(ClassFileLocator adviceLocator, List<Entry> entries) {
    this.adviceLocator = adviceLocator;
    this.entries = List.copyOf(entries);
  }

  @Override
  public DynamicType.Builder<?> transform(
      DynamicType.Builder<?> builder,
      TypeDescription type,
      ClassLoader loader,
      JavaModule module,
      ProtectionDomain domain) {
    return builder.visit(advice(loader));
  }

  private AsmVisitorWrapper advice(ClassLoader loader) {
    AsmVisitorWrapper read = byLoader.get(loader);
    if (read == null) {
      // Two threads may read it at once for a new loader: both results are the same.
      read = read(loader);
      byLoader.put(loader, read);
    }
    return read;
  }

  private AsmVisitorWrapper read(ClassLoader loader) {
    // The advice's class files from the agent, the types it names as the changed class sees them.
    ClassFileLocator locator =
        new ClassFileLocator.Compound(
            adviceLocator,
            loader == null
                ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader));
    TypePool pool =
        new TypePool.Default.WithLazyResolution(
            new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);
    AsmVisitorWrapper.ForDeclaredMethods advice = new AsmVisitorWrapper.ForDeclaredMethods();
    for (Entry entry : entries) {
      advice =
          advice.invokable(
              entry.methods,
              Advice.to(pool.describe(entry.adviceClass).resolve(), locator)
                  .withExceptionHandler(Advice.ExceptionHandler.Default.SUPPRESSING));
    }
    return advice;
  }
}
