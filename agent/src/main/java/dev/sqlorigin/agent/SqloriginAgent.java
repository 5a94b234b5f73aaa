package dev.sqlorigin.agent;

import java.io.File;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * The {@code -javaagent} entry point, and the agent's version gate. Compiled for Java 8 (the rest
 * of the agent for {@link #JAVA_FLOOR}): a JVM aborts when an agent's premain class cannot be
 * loaded, so this class must load on any JVM a fleet may run, find out whether the rest can, and
 * otherwise say so in one line and return. Nothing thrown here reaches the JVM either.
 *
 * <p>It only puts core on the bootstrap class path and hands over: this class must not touch a core
 * class before that, or the class would be loaded twice (once here, once by the classes whose
 * advice refers to it).
 */
public final class SqloriginAgent {

  /** The oldest Java the agent's other classes are compiled for (agent.java.release). */
  static final int JAVA_FLOOR = 11;

  private static final String CORE_JAR = "sqlorigin-core.jar";

  private SqloriginAgent() {}

  public static void premain(String arguments, Instrumentation instrumentation) {
    try {
      String running = System.getProperty("java.specification.version");
      if (javaVersion(running) < JAVA_FLOOR) {
        say(
            "WARN sqlorigin needs Java "
                + JAVA_FLOOR
                + "+, this JVM is "
                + running
                + ": not installed; the application runs without it");
        return;
      }
      instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(extractCore()));
      Class.forName(
              "dev.sqlorigin.agent.AgentInstaller", true, SqloriginAgent.class.getClassLoader())
          .getMethod("install", Instrumentation.class)
          .invoke(null, instrumentation);
    } catch (Throwable t) {
      // Fail open: the application starts as if the agent were not there.
      Throwable cause =
          t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null
              ? t.getCause()
              : t;
      say("ERROR sqlorigin did not start; the application runs without it: " + cause);
    }
  }

  /**
   * Attached to a running JVM ({@code jcmd JVMTI.agent_load}, the Attach API): not supported. The
   * classes already loaded (servlets, drivers, pools) would need retransforming while they serve
   * requests, and requests already running would carry no context; said, nothing changed.
   */
  public static void agentmain(String arguments, Instrumentation instrumentation) {
    say(
        "WARN sqlorigin is attached at start (-javaagent or JAVA_TOOL_OPTIONS), not to a running"
            + " JVM: not installed");
  }

  /**
   * The feature release of a {@code java.specification.version}: {@code 1.8} is 8, {@code 11} is
   * 11; 0 when it cannot be read (then the agent does not install: it cannot tell whether it would
   * run).
   */
  static int javaVersion(String specificationVersion) {
    if (specificationVersion == null) {
      return 0;
    }
    String version =
        specificationVersion.startsWith("1.")
            ? specificationVersion.substring(2)
            : specificationVersion;
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    try {
      return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
    } catch (NumberFormatException tooLong) {
      return 0;
    }
  }

  private static void say(String line) {
    System.err.println("[sqlorigin] " + line);
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
