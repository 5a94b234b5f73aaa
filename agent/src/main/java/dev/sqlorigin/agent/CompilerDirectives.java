package dev.sqlorigin.agent;

import dev.sqlorigin.log.AgentLog;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps HotSpot's optimizing compiler (C2) off the agent's code that runs only while classes are
 * defined: the class-header filter, the weaver and ASM. That code runs for every class of a start,
 * so it gets hot early and C2 compiled it, twice for the filter's constant-pool walk (once for the
 * loop, once for the method), while the application's start needed both cores: ~0.1 s of C2's CPU
 * per sample-app start for code that has done its work a second later. Left to C1 (compiled at its
 * full optimisation, without the profiling that leads to C2), the sample app reached its first
 * answer 20-50 ms sooner round by round (docs/benchmarks.md, "Start-up, sixteenth look"). The
 * agent's per-request and per-statement code is not named here: C2 compiles it as it would anyway.
 *
 * <p>A compiler directive does that (JDK 9+), added the way {@code jcmd <pid>
 * Compiler.directives_add} adds one: through the JVM's diagnostic command interface, which {@code
 * jdk.management} reaches only from its own internal package (opened to the agent for that). On top
 * of the directives stack it matches the agent's methods alone; for C1, every other method falls
 * through to the JVM's directives or the user's, and for C2 too but as said below. A JVM without
 * that module or command (OpenJ9, a jlinked runtime without it), a JVM whose only compiler is C2
 * ({@code -XX:-TieredCompilation}) or a temporary directory that cannot be written gets nothing:
 * the agent runs as before, a debug line says why.
 *
 * <p>Excluding a method keeps C2 from compiling it, not from inlining it into a method it does
 * compile: in 4 of 10 Spring Boot starts (JFR), C2 compiled a {@code defineClass} of the JDK's with
 * the whole filter inlined into it, 0.13-0.27 s of its CPU each, where the same methods took
 * 0.05-0.07 s without the agent. A second directive therefore matches every method, for C2 only,
 * and says nothing but that the two ways into the filter are not inlined (with it, 0.02 s).
 * Matching every method, it would hide the user's own directives below it, so it is left out when
 * the JVM was started with {@code -XX:CompilerDirectivesFile}; {@code -XX:CompileCommand}s apply
 * through it as before.
 */
final class CompilerDirectives {

  /** The classes C2 is kept off, in the directives' {@code package/Class.method} patterns. */
  private static final String EXCLUDED =
      "{match: ["
          + "\"dev/sqlorigin/shaded/org/objectweb/*.*\","
          + " \"dev/sqlorigin/classloading/*.*\","
          + " \"dev/sqlorigin/agent/ClassHeader.*\","
          + " \"dev/sqlorigin/agent/AsciiNames.*\","
          + " \"dev/sqlorigin/agent/SuperTypeFilter.*\","
          + " \"dev/sqlorigin/agent/Weaver*.*\","
          + " \"dev/sqlorigin/agent/AdvisedMethod*.*\","
          + " \"dev/sqlorigin/agent/AdviceCode*.*\","
          + " \"dev/sqlorigin/agent/Hierarchies.*\","
          + " \"dev/sqlorigin/agent/LoadedClasses.*\","
          + " \"dev/sqlorigin/agent/JdkClassesWeaver.*\""
          + "], c2: {Exclude: true}}";

  /** Where the application's code calls into the filter, which C2 does not inline either. */
  private static final String NOT_INLINED =
      "{match: \"*.*\", c2: {inline: ["
          + "\"-dev/sqlorigin/classloading/ClassDefinitions.classFile\","
          + " \"-dev/sqlorigin/agent/SuperTypeFilter.transform\""
          + "]}}";

  private static final String MODULE = "jdk.management";
  private static final String INTERNAL = "com.sun.management.internal";

  private CompilerDirectives() {}

  /** Adds the {@link #directives}; returns null once added, otherwise why not. */
  static String install(Instrumentation instrumentation) {
    Optional<Module> management = ModuleLayer.boot().findModule(MODULE);
    if (management.isEmpty()) {
      return "no " + MODULE + " module";
    }
    // Not Files.createTempFile: its random name seeds a SecureRandom, 35 ms of a start. Created as
    // new (O_EXCL: neither an existing file nor a link is followed), read by the JVM at once.
    File file =
        new File(
            System.getProperty("java.io.tmpdir"),
            "sqlorigin-directives-" + System.nanoTime() + ".json");
    if (file.getPath().indexOf(' ') >= 0) {
      return "the temporary directory's path has a space: " + file.getParent();
    }
    try {
      if (!file.createNewFile()) {
        return file + " exists already";
      }
    } catch (IOException | RuntimeException e) {
      return "cannot write " + file + " (" + e.getMessage() + ")";
    }
    try {
      return add(instrumentation, management.get(), file);
    } catch (IOException | ReflectiveOperationException | RuntimeException e) {
      return e.toString();
    } finally {
      if (!file.delete()) {
        file.deleteOnExit();
      }
    }
  }

  /**
   * Writes the directives to {@code file} and has the JVM add them, as {@link #install} returns.
   */
  private static String add(Instrumentation instrumentation, Module management, File file)
      throws ReflectiveOperationException, IOException {
    Class<?> commands = Class.forName(management, INTERNAL + ".DiagnosticCommandImpl");
    // Its native methods are bound to the library this class loads.
    Class<?> library = Class.forName(management, INTERNAL + ".PlatformMBeanProviderImpl");
    if (commands == null || library == null) {
      return "no diagnostic commands in " + MODULE;
    }
    instrumentation.redefineModule(
        management,
        Set.of(),
        Map.of(),
        Map.of(INTERNAL, Set.of(CompilerDirectives.class.getModule())),
        Set.of(),
        Map.of());
    Class.forName(library.getName(), true, library.getClassLoader());
    Method instance = commands.getDeclaredMethod("getDiagnosticCommandMBean");
    instance.setAccessible(true);
    Object mbean = instance.invoke(null);
    if (mbean == null) {
      return "this JVM runs no diagnostic commands";
    }
    Method execute = commands.getDeclaredMethod("executeDiagnosticCommand", String.class);
    execute.setAccessible(true);
    // Without tiered compilation C2 is the only compiler: the filter would stay interpreted.
    String flags = (String) execute.invoke(mbean, "VM.flags");
    if (flags == null || flags.contains("-XX:-TieredCompilation")) {
      return "tiered compilation is off (-XX:-TieredCompilation), C2 is the only compiler";
    }
    String directives = directives(flags);
    if (!directives.contains(NOT_INLINED)) {
      AgentLog.debug(
          "C2 may still inline the class filter into the application's methods: the JVM was"
              + " started with directives of its own (-XX:CompilerDirectivesFile), which one that"
              + " matches every method would hide");
    }
    try (OutputStream out = new FileOutputStream(file)) {
      out.write(directives.getBytes(StandardCharsets.US_ASCII));
    }
    String answer = (String) execute.invoke(mbean, "Compiler.directives_add " + file);
    return answer != null && answer.contains("added") ? null : String.valueOf(answer).trim();
  }

  /** What to add, given the JVM's flags ({@code VM.flags}): both directives, or the first alone. */
  private static String directives(String flags) {
    return flags.contains("-XX:CompilerDirectivesFile=")
        ? "[" + EXCLUDED + "]"
        : "[" + EXCLUDED + ", " + NOT_INLINED + "]";
  }
}
