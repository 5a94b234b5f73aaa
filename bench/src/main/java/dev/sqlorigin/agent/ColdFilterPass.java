package dev.sqlorigin.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * One pass of the agent's class-header filter ({@link SuperTypeFilter}) over every class of an
 * application's class path, in a JVM just started: the filter as a start meets it, mostly
 * interpreted, then in C1's code (the agent's compiler directives added, as the agent adds them),
 * its caches empty, its super types looked up through a loader of that class path, or among the
 * classes passed before, which a start would have loaded ({@link PassedClasses}). Run by {@code
 * dev.sqlorigin.bench.FilterHarness}, a fresh JVM per pass; prints one line, with the memory the
 * filter keeps after the pass (the live heap after a full collection, less what it was before the
 * pass, the loader's jars already open).
 *
 * <pre>java -cp [agent classes:]benchmarks.jar dev.sqlorigin.agent.ColdFilterPass CLASS_PATH</pre>
 */
public final class ColdFilterPass {

  private ColdFilterPass() {}

  public static void main(String[] args) throws IOException {
    List<URL> urls = new ArrayList<>();
    List<byte[]> classFiles = new ArrayList<>();
    for (String entry : args[0].split(File.pathSeparator)) {
      if (entry.endsWith(".jar")) {
        urls.add(Path.of(entry).toUri().toURL());
        read(entry, classFiles);
      }
    }
    URLClassLoader application =
        new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
    WantedNames wanted = WantedNames.fromJar();
    if (wanted == null) {
      throw new IllegalStateException("no " + WantedNames.RESOURCE + " beside WantedNames");
    }
    SuperTypeFilter filter =
        new SuperTypeFilter(
            CompletableFuture.completedFuture(new ClassFileTransformer() {}),
            CompletableFuture.completedFuture(wanted),
            TimeUnit.SECONDS.toNanos(10),
            null,
            null);
    // Every jar opened now, as an application's loader has them: its directory is not the filter's.
    for (Enumeration<URL> none = application.getResources("sqlorigin-none");
        none.hasMoreElements(); ) {
      none.nextElement();
    }
    IntConsumer passed;
    try {
      passed = PassedClasses.findIn(filter, classFiles);
    } catch (NoClassDefFoundError | NoSuchMethodError older) {
      // Agent classes of before LoadedClasses: their filter keeps what it needs itself.
      passed = index -> {};
    }
    String directives = keepC2OffTheFilter();
    long liveBefore = liveHeap();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean system =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long threadCpu = threads.getCurrentThreadCpuTime();
    long processCpu = system.getProcessCpuTime();
    long wall = System.nanoTime();
    int matched = 0;
    for (int i = 0; i < classFiles.size(); i++) {
      if (filter.mayMatch(application, classFiles.get(i))) {
        matched++;
      }
      passed.accept(i);
    }
    wall = System.nanoTime() - wall;
    threadCpu = threads.getCurrentThreadCpuTime() - threadCpu;
    processCpu = system.getProcessCpuTime() - processCpu;
    long kept = liveHeap() - liveBefore;
    Reference.reachabilityFence(filter);
    Reference.reachabilityFence(classFiles);
    Reference.reachabilityFence(application);
    System.out.printf(
        Locale.ROOT,
        "classes=%d matched=%d wall_us=%d thread_cpu_us=%d process_cpu_us=%d kept_kib=%d"
            + " directives=%s%n",
        classFiles.size(),
        matched,
        wall / 1000,
        threadCpu / 1000,
        processCpu / 1000,
        kept / 1024,
        directives);
  }

  /**
   * Adds the compiler directives the agent adds at start ({@code CompilerDirectives}: C2 kept off
   * the filter and from inlining it), as {@code jcmd Compiler.directives_add} would: the filter
   * then runs in the code it runs in at start, C1's. Returns whether they were added, {@code none}
   * for agent classes that have none.
   */
  private static String keepC2OffTheFilter() throws IOException {
    String json;
    try {
      Method directives = CompilerDirectives.class.getDeclaredMethod("directives", String.class);
      directives.setAccessible(true);
      json = (String) directives.invoke(null, "");
    } catch (NoClassDefFoundError | ReflectiveOperationException none) {
      return "none";
    }
    Path file = Files.createTempFile("sqlorigin-pass-directives", ".json");
    try {
      Files.writeString(file, json, StandardCharsets.US_ASCII);
      Object answer =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "compilerDirectivesAdd",
                  new Object[] {new String[] {file.toString()}},
                  new String[] {String[].class.getName()});
      return String.valueOf(answer).contains("added") ? "added" : "refused";
    } catch (JMException e) {
      throw new IllegalStateException("the compiler directives were not added", e);
    } finally {
      Files.delete(file);
    }
  }

  /**
   * The classes of the pass that the filter has passed already, as the JVM would hold them once
   * loaded: their super types, read before the pass (in a start, the JVM's, not the filter's).
   */
  private static final class PassedClasses extends LoadedClasses {
    private final Map<String, Integer> indexes = new HashMap<>();
    private final String[][] superTypes;
    private final boolean[] passed;

    /**
     * Lets {@code filter} find the classes of {@code classFiles} once passed; returns what passes
     * one, by its index.
     */
    static IntConsumer findIn(SuperTypeFilter filter, List<byte[]> classFiles) {
      PassedClasses passed = new PassedClasses(classFiles);
      filter.findLoadedClassesIn(passed);
      return index -> passed.passed[index] = true;
    }

    private PassedClasses(List<byte[]> classFiles) {
      super(null);
      superTypes = new String[classFiles.size()][];
      passed = new boolean[classFiles.size()];
      for (int i = 0; i < classFiles.size(); i++) {
        ClassHeader header = ClassHeader.read(classFiles.get(i));
        if (header != null && indexes.putIfAbsent(header.name, i) == null) {
          superTypes[i] = header.superTypes;
        }
      }
    }

    @Override
    String[] superTypes(ClassLoader loader, String name) {
      Integer index = indexes.get(name);
      return index == null || !passed[index] ? null : superTypes[index];
    }
  }

  /** The heap in use after a full collection. */
  private static long liveHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    memory.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static void read(String jar, List<byte[]> classFiles) throws IOException {
    try (JarFile file = new JarFile(jar)) {
      Enumeration<JarEntry> entries = file.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (name.endsWith(".class")
            && !name.startsWith("META-INF/")
            && !name.endsWith("module-info.class")) {
          try (InputStream in = file.getInputStream(entry)) {
            classFiles.add(in.readAllBytes());
          }
        }
      }
    }
  }
}
