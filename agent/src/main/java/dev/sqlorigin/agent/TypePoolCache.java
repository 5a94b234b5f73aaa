package dev.sqlorigin.agent;

import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.pool.TypePool;

/**
 * Keeps the type descriptions read from class files per class loader, across the classes it loads.
 * The instrumentations match by super type ({@code java.sql.Statement}, {@code
 * jakarta.servlet.Filter}), which means reading the class files of every loaded class's super
 * types; without a shared cache Byte Buddy reads {@code Object}, {@code AbstractList}, Spring's
 * base classes... again for each class, and a Spring Boot application took seconds longer to start.
 *
 * <p>Each cache is held softly: the JVM may take the memory back, and the descriptions are then
 * read again. Loaders are keys of a weak map, and the descriptions reach their loader only through
 * the weakly referencing class-file locator the weaver gives them: a redeployed web application's
 * loader goes as soon as nothing else holds it (WebappRedeployTest).
 */
final class TypePoolCache extends AgentBuilder.PoolStrategy.WithTypePoolCache {

  private final Map<ClassLoader, TypePool.CacheProvider> caches = new WeakHashMap<>();
  private final TypePool.CacheProvider bootstrap =
      new TypePool.CacheProvider.Simple.UsingSoftReference();

  TypePoolCache() {
    super(TypePool.Default.ReaderMode.FAST);
  }

  @Override
  protected TypePool.CacheProvider locate(ClassLoader classLoader) {
    if (classLoader == null) {
      return bootstrap;
    }
    synchronized (caches) {
      return caches.computeIfAbsent(
          classLoader, loader -> new TypePool.CacheProvider.Simple.UsingSoftReference());
    }
  }
}
