package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.RunsOnJava11;
import dev.sqlorigin.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent keeps HotSpot's C2 off its class filter, its weaver and ASM, which only run while
 * classes are defined, with a compiler directive on top of the JVM's stack ({@code jcmd
 * Compiler.directives_print} shows it); where it cannot write the directive's file, or C2 is the
 * only compiler, it says why in a debug line and the application runs as before.
 */
@RunsOnJava11
class CompilerDirectivesTest {

  private static final String NOT_INLINED =
      "inline: -dev/sqlorigin/classloading/ClassDefinitions.classFile"
          + ", -dev/sqlorigin/agent/SuperTypeFilter.transform";

  @Test
  void theClassFilterAndTheWeaverAreLeftToC1(@TempDir Path temporary) throws Exception {
    try (AppProcess app = app(temporary)) {
      app.awaitAgentLine("the class filter and the weaver are left to C1");
      String directives = app.jcmd("Compiler.directives_print");
      String ours = directiveMatching(directives, "dev/sqlorigin/agent/ClassHeader.*");
      for (String pattern :
          List.of(
              "dev/sqlorigin/shaded/org/objectweb/*.*",
              "dev/sqlorigin/classloading/*.*",
              "dev/sqlorigin/agent/Weaver*.*")) {
        assertTrue(ours.contains(pattern), pattern + " in\n" + directives);
      }
      String c2 = ours.substring(ours.indexOf("c2 directives:"));
      assertTrue(c2.contains("Exclude:true"), directives);
      // Nor inlined into the methods C2 does compile (ClassLoader.defineClass), through either way
      // in.
      String everyMethod = directiveMatching(directives, "matching: *.*");
      assertTrue(everyMethod.contains(NOT_INLINED), directives);
      assertFalse(everyMethod.contains("Exclude:true"), directives);
      // Nothing the agent touches at run time per request: C2 compiles that as before.
      assertFalse(ours.contains("dev/sqlorigin/agent/otel"), directives);
      assertFalse(ours.contains("dev/sqlorigin/instrumentation"), directives);
      assertEquals(List.of(), directiveFiles(temporary), "the directive's file is left behind");
      assertTagged(app);
    }
  }

  @Test
  void theJvmsOwnDirectivesStayInForceBelowTheAgents(@TempDir Path temporary) throws Exception {
    // A directive on top that matched every method would hide these: the agent adds none then.
    Path own = temporary.resolve("own.json");
    Files.writeString(own, "[{match: \"java/lang/String.*\", c2: {BackgroundCompilation: false}}]");
    try (AppProcess app =
        app(
            AppProcess.probeApp()
                .env(
                    "JAVA_TOOL_OPTIONS",
                    "-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=" + own),
            temporary)) {
      app.awaitAgentLine("C2 may still inline the class filter into the application's methods");
      app.awaitAgentLine("the class filter and the weaver are left to C1");
      String directives = app.jcmd("Compiler.directives_print");
      assertTrue(
          directiveMatching(directives, "dev/sqlorigin/agent/ClassHeader.*")
              .contains("Exclude:true"),
          directives);
      assertTrue(
          directiveMatching(directives, "matching: java/lang/String.*")
              .contains("BackgroundCompilation:false"),
          directives);
      assertFalse(directives.contains(NOT_INLINED), directives);
      assertTagged(app);
    }
  }

  @Test
  void aTemporaryDirectoryThatCannotBeWrittenLeavesTheCompilerAlone(@TempDir Path temporary)
      throws Exception {
    Path missing = temporary.resolve("missing");
    try (AppProcess app = app(missing)) {
      String line = app.awaitAgentLine("no compiler directive for the class filter and the weaver");
      assertTrue(line.contains(missing.toString()), line);
      assertFalse(app.jcmd("Compiler.directives_print").contains("dev/sqlorigin"), app.output());
      assertTagged(app);
      assertEquals(
          List.of(),
          app.agentLines().stream()
              .filter(each -> each.contains(" WARN ") || each.contains(" ERROR "))
              .collect(Collectors.toList()),
          app.output());
    }
  }

  @Test
  void withoutTieredCompilationC2KeepsTheFilter(@TempDir Path temporary) throws Exception {
    // C2 the only compiler: kept off the filter, it would leave it interpreted.
    try (AppProcess app =
        app(AppProcess.probeApp().env("JAVA_TOOL_OPTIONS", "-XX:-TieredCompilation"), temporary)) {
      app.awaitAgentLine(
          "no compiler directive for the class filter and the weaver: tiered"
              + " compilation is off");
      assertFalse(app.jcmd("Compiler.directives_print").contains("dev/sqlorigin"), app.output());
      assertEquals(List.of(), directiveFiles(temporary), "the directive's file is left behind");
      assertTagged(app);
    }
  }

  private static AppProcess app(Path temporary) throws Exception {
    return app(AppProcess.probeApp(), temporary);
  }

  private static AppProcess app(AppProcess.Builder builder, Path temporary) throws Exception {
    return builder
        .property(Config.LOG_LEVEL, "debug")
        .property("java.io.tmpdir", temporary.toString())
        .args(TestDatabase.get().jdbcUrlWithCredentials())
        .start();
  }

  private static void assertTagged(AppProcess app) throws Exception {
    Http.Response tagged = Http.getOk(app.port(), "/shop/probe/prepared");
    assertTrue(
        tagged.values("sent").get(0).startsWith("/*sqlorigin route='GET /shop/probe/prepared'"),
        tagged.body());
  }

  /** The directive (as {@code Compiler.directives_print} prints it) whose patterns hold one. */
  private static String directiveMatching(String directives, String pattern) {
    for (String each : directives.split("Directive:")) {
      if (each.contains(" matching: ") && each.contains(pattern)) {
        return each;
      }
    }
    throw new AssertionError("no directive matches " + pattern + ":\n" + directives);
  }

  private static List<Path> directiveFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .filter(file -> file.getFileName().toString().startsWith("sqlorigin-directives-"))
          .collect(Collectors.toList());
    }
  }
}
