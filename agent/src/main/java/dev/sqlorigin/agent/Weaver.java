package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves the instrumentations' advice into the classes they match, with Byte Buddy's decoration and
 * without its {@code AgentBuilder}. The agent builder brings what this agent does not use
 * (redefinition strategies, class injection, a circularity lock that the JVM makes redundant: it
 * never runs a transformer for a class loaded from inside one), and building it cost a third of a
 * second of CPU at every start, most of it generating a subclass of its own transformer.
 *
 * <p>As the agent builder did with {@code disableClassFormatChanges()} and {@code DECORATE}: the
 * class keeps its members and its format, only the code of matched methods changes, so the same
 * weaver serves retransformation. Types are described from class files (never by loading a class),
 * through a pool kept per class loader. A class that cannot be woven loads unchanged, said once.
 */
final class Weaver implements ClassFileTransformer {

  private final ByteBuddy byteBuddy;
  private final List<TypeInstrumentation> instrumentations;
  // Derived once: the matchers and transformers that the descriptions build on each call.
  private final List<ElementMatcher<TypeDescription>> types;
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
    this.types = new ArrayList<>();
    this.transformers = new ArrayList<>();
    for (TypeInstrumentation instrumentation : this.instrumentations) {
      types.add(instrumentation.types());
      transformers.add(instrumentation.transformer());
    }
    this.ignored = ignored;
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
              ClassFileLocator.ForClassLoader.of(loader));
      TypePool pool = pools.typePool(locator, loader, name);
      TypeDescription type = pool.describe(name).resolve();
      if (ignored.matches(type)) {
        return null;
      }
      JavaModule javaModule = JavaModule.of(module);
      DynamicType.Builder<?> builder = null;
      boolean[] matched = new boolean[instrumentations.size()];
      try {
        for (int i = 0; i < matched.length; i++) {
          // A class that declares none of the advised methods (a filter that only inherits
          // doFilter) would be rewritten for nothing.
          matched[i] = types.get(i).matches(type) && instrumentations.get(i).advises(type);
        }
      } catch (TypePool.Resolution.NoSuchTypeException missing) {
        // A super type is missing, so the JVM cannot define the class either: libraries probe for
        // optional ones this way (Netty's logger factories, for Log4j 2 and others).
        AgentLog.debug("left " + name + " alone: " + missing.getMessage());
        return null;
      }
      for (int i = 0; i < matched.length; i++) {
        if (matched[i]) {
          builder =
              transformers
                  .get(i)
                  .transform(
                      builder == null ? byteBuddy.decorate(type, locator) : builder,
                      type,
                      loader,
                      javaModule,
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
      AgentLog.warnOnce(
          "instrument:" + name,
          "could not instrument " + name + "; its statements or requests are not tagged",
          t);
      return null;
    }
  }
}
