package dev.sqlorigin.database;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values by JDBC objects (statements, connections) that the application drops when it likes: the
 * keys are held weakly and compared by identity, and the map takes no lock of its own. It replaces
 * {@code Collections.synchronizedMap(new WeakHashMap<>())}, whose one lock every request thread
 * took at every statement once telemetry was on. An entry whose key was collected is removed at the
 * next {@link #put}.
 */
public final class WeakIdentityMap<V> {

  private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

  /** The value for {@code key}, or null. */
  public V get(Object key) {
    return key == null ? null : map.get(new Lookup(key));
  }

  /** Holds {@code value} for {@code key} (not null) for as long as the key is reachable. */
  public void put(Object key, V value) {
    expunge();
    map.put(new Key(key, collected), value);
  }

  /** The entries whose key is still reachable (for tests). */
  int size() {
    expunge();
    return map.size();
  }

  private void expunge() {
    for (Reference<?> gone = collected.poll(); gone != null; gone = collected.poll()) {
      map.remove(gone);
    }
  }

  /** A stored key: equal only to itself and to a lookup of the same object. */
  private static final class Key extends WeakReference<Object> {
    private final int hash;

    Key(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (other == this) {
        return true;
      }
      Object referent = get();
      return referent != null
          && ((other instanceof Key && ((Key) other).get() == referent)
              || (other instanceof Lookup && ((Lookup) other).referent == referent));
    }
  }

  /** The key of a {@link #get}: short-lived, never stored. */
  private static final class Lookup {
    private final Object referent;

    Lookup(Object referent) {
      this.referent = referent;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(referent);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key && ((Key) other).get() == referent;
    }
  }
}
