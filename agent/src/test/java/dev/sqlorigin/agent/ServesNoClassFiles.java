package dev.sqlorigin.agent;

import java.io.InputStream;

/**
 * A class loader below {@code parent} that serves no class file as a resource: what the agent knows
 * of a class through it, it knows from the classes loaded already.
 */
final class ServesNoClassFiles extends ClassLoader {

  ServesNoClassFiles(ClassLoader parent) {
    super(parent);
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    return null;
  }
}
