package dev.sqlorigin.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.security.CodeSource;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The {@code -javaagent} entry point, and the agent's version gate. Compiled for Java 8 (the rest
 * of the agent for {@link #JAVA_FLOOR}): a JVM aborts when an agent's premain class cannot be
 * loaded, so this class must load on any JVM a fleet may run, find out whether the rest can, and
 * otherwise say so in one line and return. Nothing thrown here reaches the JVM either.
 *
 * <p>The jar is laid out for two class loaders. At its top level are core, this class, {@link
 * AgentClassLoader} and {@link JvmOptions}: the manifest's {@code Boot-Class-Path} names the jar
 * itself, so the JVM puts them on the bootstrap class path while it starts, where the advice
 * inlined into any class loader's classes finds core. Appending to that path later, from premain,
 * would cost the JVM's class-data sharing for the other loaders' classes (its "Sharing is only
 * supported for boot loader classes" warning) and breaks an ahead-of-time cache trained with the
 * agent. Everything else (the instrumentations, ASM, OpenTelemetry) lies under {@link
 * AgentClassLoader#PREFIX}, out of every other loader's sight, and is loaded by an {@link
 * AgentClassLoader}: the bootstrap loader could not load it, as it refers to {@code java.sql} and
 * {@code java.net.http}.
 */
public final class SqloriginAgent {

  /** The oldest Java the agent's other classes are compiled for (agent.java.release). */
  static final int JAVA_FLOOR = 11;

  /** The name the manifest's {@code Boot-Class-Path} gives the jar. */
  static final String JAR_NAME = "sqlorigin-agent.jar";

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
      File jar = agentJar();
      // Loaded by the application class loader: Boot-Class-Path did not find the jar under its own
      // name (renamed, or copied under another). Appended now, before any core class is loaded.
      boolean appended = SqloriginAgent.class.getClassLoader() != null;
      if (appended) {
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
      }
      Class.forName("dev.sqlorigin.agent.AgentInstaller", true, new AgentClassLoader(jar))
          .getMethod("install", Instrumentation.class, String.class)
          .invoke(null, instrumentation, appended ? JAR_NAME : null);
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

  /** The jar this class was loaded from, whichever loader loaded it. */
  private static File agentJar() throws Exception {
    if (SqloriginAgent.class.getClassLoader() != null) {
      // The application class loader's (the jar was renamed): it says where.
      CodeSource source = SqloriginAgent.class.getProtectionDomain().getCodeSource();
      if (source != null && source.getLocation() != null) {
        return new File(source.getLocation().toURI());
      }
    }
    List<String> options = JvmOptions.read(System.getenv(), JvmOptions.COMMAND_LINE);
    File named = options == null ? null : namedJar(JvmOptions.agentJars(options));
    if (named != null) {
      return named;
    }
    // The bootstrap loader's URL of this class: it searches every module of the JDK's image
    // before its class path, and opens the jar anew, 15-20 ms of the application's start.
    URL self = SqloriginAgent.class.getResource("SqloriginAgent.class");
    URLConnection connection = self == null ? null : self.openConnection();
    if (!(connection instanceof JarURLConnection)) {
      throw new IllegalStateException("sqlorigin was not loaded from its jar: " + self);
    }
    return new File(((JarURLConnection) connection).getJarFileURL().toURI());
  }

  /**
   * Among the jars of the JVM's {@code -javaagent} options, the one the bootstrap loader took this
   * class from: the manifest's {@code Boot-Class-Path} names {@link #JAR_NAME} beside the agent's
   * jar, so that is the agent's jar itself when it has that name. Null when no existing jar has it,
   * or two do (the agent attached twice, from two places: which one the JVM took is not told).
   */
  static File namedJar(List<String> agentJars) {
    File named = null;
    for (String path : agentJars) {
      File jar = new File(path).getAbsoluteFile();
      if (!jar.getName().equals(JAR_NAME) || !jar.isFile()) {
        continue;
      }
      if (named != null && !named.equals(jar)) {
        return null;
      }
      named = jar;
    }
    return named;
  }
}
