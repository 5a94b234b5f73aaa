package dev.sqlorigin.agent;

import dev.sqlorigin.classloading.ClassDefinitions;
import dev.sqlorigin.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Moves the weaving of the application's classes from the JVM's class-load hook, where premain puts
 * the filter so that no class loads unseen, into {@code java.lang.ClassLoader}'s {@code
 * defineClass} ({@link ClassDefinitions}), once the weaver is built. While any transformer is
 * registered, the JVM copies every class it loads into a Java array for it, the JDK's own classes
 * and those of its shared archive too; without one, it does not.
 *
 * <p>{@code ClassLoader} is redefined, not retransformed: a definition stays, where a
 * retransformation lasts only as long as its transformer is registered (another agent's
 * retransformation of {@code ClassLoader} starts from the definition, with the calls in it).
 *
 * <p>The hook stays where it is when the JVM may load the application's classes from an archive
 * ({@code -XX:SharedArchiveFile}, an ahead-of-time cache), and on JVMs other than HotSpot, whose
 * options for that are not read: such classes are not defined through {@code defineClass}, and only
 * the JVM's hook sees them. Nor are the classes a framework defines through {@code
 * MethodHandles.Lookup.defineClass} (proxies generated at run time, which call the methods of the
 * classes they extend, woven as those are).
 */
final class ClassDefinitionsInstaller {

  // What a JVM option names to load classes from an archive of the application's: class-data
  // sharing (-XX:SharedArchiveFile, -XX:+AutoCreateSharedArchive) and the ahead-of-time cache
  // (-XX:AOTCache, -XX:AOTMode; Leyden's early -XX:CacheDataStore).
  private static final String[] ARCHIVE_OPTIONS = {
    "SharedArchiveFile", "AutoCreateSharedArchive", "AOTCache", "AOTMode", "CacheDataStore"
  };

  // How long a thread defining a class when ClassLoader is redefined (in the old defineClass, which
  // reaches the JVM's hook only) may take to finish before the hook is kept: far longer than a
  // definition takes.
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(1);

  private ClassDefinitionsInstaller() {}

  /**
   * Sends the classes defined from now on through {@code filter} from {@code defineClass}, and
   * removes it from the JVM's hook; returns whether it did. Otherwise the JVM's hook still calls
   * the filter, as it did, and the log says why in one line at debug level.
   */
  static boolean install(Instrumentation instrumentation, ClassFileTransformer filter) {
    String kept = reasonToKeepTheJvmsHook(instrumentation);
    if (kept != null) {
      AgentLog.debug("classes are woven from the JVM's class-load hook: " + kept);
      return false;
    }
    if (!JdkClassesInstaller.modulesReadCore(instrumentation)) {
      return false;
    }
    byte[] woven;
    try (InputStream in = ClassLoader.class.getResourceAsStream("ClassLoader.class")) {
      if (in == null) {
        AgentLog.debug("classes are woven from the JVM's class-load hook: no ClassLoader.class");
        return false;
      }
      woven = JdkClassesWeaver.weaveClassDefinitions(in.readAllBytes());
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("classes are woven from the JVM's class-load hook: " + e);
      return false;
    }
    ClassDefinitions.install(
        (loader, className, domain, classFile) -> {
          try {
            return filter.transform(null, loader, className, null, domain, classFile);
          } catch (Exception e) {
            return null; // the filter says what it failed on
          }
        });
    try {
      instrumentation.redefineClasses(new ClassDefinition(ClassLoader.class, woven));
    } catch (Exception | LinkageError e) {
      ClassDefinitions.install(null);
      AgentLog.debug("classes are woven from the JVM's class-load hook: " + e);
      return false;
    }
    // Both see the classes now; the filter leaves those woven already as they are.
    if (!drained()) {
      AgentLog.debug(
          "classes are woven from the JVM's class-load hook and defineClass both: a class"
              + " definition under way did not end");
      return false;
    }
    instrumentation.removeTransformer(filter);
    AgentLog.debug("classes are woven as they are defined; the JVM's class-load hook is off");
    return true;
  }

  /** Why classes must keep being woven from the JVM's hook; null when nothing says so. */
  private static String reasonToKeepTheJvmsHook(Instrumentation instrumentation) {
    if (!instrumentation.isRedefineClassesSupported()) {
      return "this JVM cannot redefine classes";
    }
    String vm = System.getProperty("java.vm.name", "");
    if (!isHotSpot(vm)) {
      return vm + " is not HotSpot, whose options for sharing classes are the ones read here";
    }
    List<String> options = JvmOptions.read(System.getenv(), JvmOptions.COMMAND_LINE);
    if (options == null) {
      return "the JVM's options cannot all be read (/proc/self/cmdline, the files it names), and"
          + " may name an archive";
    }
    String archive = archiveOption(options);
    return archive == null ? null : "classes may load from an archive (" + archive + ")";
  }

  /**
   * Whether {@code vmName} ({@code java.vm.name}) is HotSpot's: "OpenJDK 64-Bit Server VM", "Java
   * HotSpot(TM) 64-Bit Server VM". Others share classes by options of their own (OpenJ9's {@code
   * -Xshareclasses}), which are not read here.
   */
  static boolean isHotSpot(String vmName) {
    return vmName.startsWith("OpenJDK") || vmName.contains("HotSpot");
  }

  /** The first of {@code options} that names an archive of classes to load from; null if none. */
  static String archiveOption(List<String> options) {
    for (String option : options) {
      for (String archive : ARCHIVE_OPTIONS) {
        if (option.contains(archive)) {
          return option.trim();
        }
      }
    }
    return null;
  }

  /**
   * Whether every thread that was in {@code defineClass} when {@code ClassLoader} was redefined has
   * left it: until then, it may run the old code, without the call.
   */
  private static boolean drained() {
    long deadline = System.nanoTime() + DRAIN_NANOS;
    for (Map.Entry<Thread, StackTraceElement[]> each : Thread.getAllStackTraces().entrySet()) {
      Thread thread = each.getKey();
      if (thread == Thread.currentThread()) {
        continue;
      }
      StackTraceElement[] stack = each.getValue();
      while (defining(stack)) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        stack = thread.getStackTrace();
      }
    }
    return true;
  }

  private static boolean defining(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals("java.lang.ClassLoader")
          && frame.getMethodName().startsWith("defineClass")) {
        return true;
      }
    }
    return false;
  }
}
