package dev.sqlorigin.agent;

import java.io.File;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * The {@code -javaagent} entry point. It only puts core on the bootstrap class path and hands over:
 * this class must not touch a core class before that, or the class would be loaded twice (once
 * here, once by the classes whose advice refers to it).
 */
public final class SqloriginAgent {

  private static final String CORE_JAR = "sqlorigin-core.jar";

  private SqloriginAgent() {}

  public static void premain(String arguments, Instrumentation instrumentation) {
    try {
      instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(extractCore()));
      Class.forName(
              "dev.sqlorigin.agent.AgentInstaller", true, SqloriginAgent.class.getClassLoader())
          .getMethod("install", Instrumentation.class)
          .invoke(null, instrumentation);
    } catch (Throwable t) {
      // Fail open: the application starts as if the agent were not there.
      System.err.println(
          "[sqlorigin] ERROR sqlorigin did not start; the application runs without it: " + t);
    }
  }

  /**
   * Advice inlined into any class loader's classes must see core, and only the bootstrap class path
   * is visible to all of them; the JVM takes a file, hence the copy.
   */
  private static File extractCore() throws Exception {
    Path target = Files.createTempFile("sqlorigin-core-", ".jar");
    target.toFile().deleteOnExit();
    try (InputStream in = SqloriginAgent.class.getResourceAsStream(CORE_JAR)) {
      if (in == null) {
        throw new IllegalStateException(CORE_JAR + " is missing from the agent jar");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target.toFile();
  }
}
