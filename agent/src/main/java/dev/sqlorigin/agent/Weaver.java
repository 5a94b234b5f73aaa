package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves the instrumentations' advice into the classes they match, with Byte Buddy's decoration and
 * without its {@code AgentBuilder}. The agent builder brings what this agent does not use
 * (redefinition strategies, class injection, a circularity lock that the JVM makes redundant: it
 * never runs a transformer for a class loaded from inside one), and building it cost a third of a
 * second of CPU at every start, most of it generating a subclass of its own transformer.
 *
 * <p>As the agent builder did with {@code disableClassFormatChanges()} and {@code DECORATE}: the
 * class keeps its members and its format, only the code of matched methods changes. Types are
 * described from class files (never by loading a class), through a pool kept per class loader. A
 * class that cannot be woven loads unchanged, said once.
 */
final class Weaver implements ClassFileTransformer {

  private final ByteBuddy byteBuddy;
  private final List<TypeInstrumentation> instrumentations;
  // Derived once: the transformers that the descriptions build on each call.
  private final List<AgentBuilder.Transformer> transformers;
  private final ElementMatcher<? super TypeDescription> ignored;
  private final AgentBuilder.PoolStrategy pools = new TypePoolCache();

  Weaver(
      ByteBuddy byteBuddy,
      List<TypeInstrumentation> instrumentations,
      ElementMatcher<? super TypeDescription> ignored) {
    // No new members, no type initializer: nothing that changes the class's format.
    this.byteBuddy = byteBuddy.with(Implementation.Context.Disabled.Factory.INSTANCE);
    this.instrumentations = List.copyOf(instrumentations);
    this.transformers = new ArrayList<>();
    for (TypeInstrumentation instrumentation : this.instrumentations) {
      transformers.add(instrumentation.transformer());
    }
    this.ignored = ignored;
  }

  /**
   * The binary names of {@code type} and all its super classes and interfaces, read from class
   * files through the type's pool, once for all the instrumentations; null when one of them is
   * missing (an optional dependency's interface that a framework implements: Micronaut's discovery
   * or websocket support): such a type cannot be loaded at all, and is for no instrumentation.
   */
  static Set<String> hierarchy(TypeDescription type) {
    Set<String> names = new HashSet<>();
    Deque<TypeDescription> pending = new ArrayDeque<>();
    pending.add(type);
    try {
      while (!pending.isEmpty()) {
        TypeDescription next = pending.poll();
        if (!names.add(next.getName())) {
          continue;
        }
        TypeDescription.Generic superClass = next.getSuperClass();
        if (superClass != null) {
          pending.add(superClass.asErasure());
        }
        pending.addAll(next.getInterfaces().asErasures());
      }
    } catch (TypePool.Resolution.NoSuchTypeException missingSuperType) {
      AgentLog.debug("left alone " + type.getName() + ": " + missingSuperType.getMessage());
      return null;
    }
    return names;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain,
      byte[] classfileBuffer) {
    if (className == null) {
      return null;
    }
    String name = className.replace('/', '.');
    try {
      ClassFileLocator locator =
          new ClassFileLocator.Compound(
              ClassFileLocator.Simple.of(name, classfileBuffer),
              // Weakly: the descriptions kept by TypePoolCache refer to this locator, and must not
              // keep a redeployed web application's loader alive.
              ClassFileLocator.ForClassLoader.WeaklyReferenced.of(loader));
      TypePool pool = pools.typePool(locator, loader, name);
      TypeDescription type = pool.describe(name).resolve();
      if (ignored.matches(type)) {
        return null;
      }
      Set<String> hierarchy = hierarchy(type);
      if (hierarchy == null) {
        return null;
      }
      DynamicType.Builder<?> builder = null;
      for (int i = 0; i < instrumentations.size(); i++) {
        // A class that declares none of the advised methods (a filter that only inherits doFilter)
        // would be rewritten for nothing.
        if (instrumentations.get(i).changes(type.getName(), type.isInterface(), hierarchy)
            && instrumentations.get(i).advises(type)) {
          String refusal = instrumentations.get(i).refusal(loader, protectionDomain);
          if (refusal != null) {
            if (!refusal.isEmpty()) {
              AgentLog.warnOnce("refused:" + refusal, refusal, null);
            }
            continue;
          }
          builder =
              transformers
                  .get(i)
                  .transform(
                      builder == null ? byteBuddy.decorate(type, locator) : builder,
                      type,
                      loader,
                      // No transformer reads the module; describing it would initialise Byte
                      // Buddy's module support (its reflective dispatchers) for nothing.
                      null,
                      protectionDomain);
        }
      }
      if (builder == null) {
        return null;
      }
      byte[] woven = builder.make(TypeResolutionStrategy.Disabled.INSTANCE, pool).getBytes();
      AgentLog.debug("instrumented " + name);
      return woven;
    } catch (Throwable t) {
      // One line, whatever the cause: the class loads unchanged, which is all the operator needs
      // to know; a method too large for the advice, a class file Byte Buddy cannot read.
      AgentLog.warnOnce(
          "instrument:" + name,
          "could not instrument "
              + name
              + " ("
              + t
              + "); it runs unchanged: its statements or requests are not tagged",
          null);
      return null;
    }
  }
}
