package dev.sqlorigin.bench;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One short round of the real harness: embedded PostgreSQL, the sample app jar in its own JVM with
 * and without the real agent jar, real load. It checks that the harness measures what it says, not
 * the numbers themselves (a 2-second run on a busy build machine says nothing about performance).
 */
@Timeout(120)
class LoadHarnessSmokeTest {

  private static final List<String> CONFIGS =
      List.of(
          "no-agent",
          "sqlorigin",
          "sqlorigin-application-name",
          "sqlorigin-otel-otlp",
          "otel-agent");

  private static Report report;
  private static String markdown;

  @BeforeAll
  @Timeout(120)
  static void runOneShortRound() throws Exception {
    Path agentJar = existing("sqlorigin.agent.jar", "the shaded agent jar");
    Path appJar = existing("sqlorigin.sample.jar", "the sample application jar");
    Path otelAgentJar = existing("sqlorigin.otel.agent.jar", "the OpenTelemetry Java agent jar");
    LoadHarness.Options options =
        LoadHarness.Options.parse(
            "--rounds=1",
            "--configs=" + String.join(",", CONFIGS),
            "--workload=report",
            "--warmup=1s",
            "--duration=2s",
            "--connections=4",
            "--agent-jar=" + agentJar,
            "--otel-agent-jar=" + otelAgentJar,
            "--app-jar=" + appJar,
            "--seed=42");
    report = LoadHarness.run(options);
    markdown = report.markdown();
  }

  @Test
  void everyConfigurationServesRequestsWithoutErrors() {
    for (String config : CONFIGS) {
      List<Report.Run> runs = report.runs(config);
      assertEquals(1, runs.size(), config + ": one run per round");
      Report.Run run = runs.get(0);
      assertAll(
          config,
          () -> assertTrue(run.ok() > 0, "no successful request"),
          () -> assertEquals(0, run.errors(), "errors"),
          () -> assertTrue(run.throughput() > 0, "throughput"),
          () -> assertTrue(run.p50Millis() > 0 && run.p50Millis() <= run.p99Millis(), "p50 <= p99"),
          () -> assertTrue(run.cpuMicrosPerRequest() > 0, "app CPU per request"),
          () ->
              assertTrue(
                  run.jitCpuMicrosPerRequest() >= 0
                      && run.jitCpuMicrosPerRequest() < run.cpuMicrosPerRequest(),
                  "the JIT's part of the app CPU, from /proc: " + run.jitCpuMicrosPerRequest()),
          () -> assertTrue(run.dbCpuMicrosPerRequest() > 0, "embedded PostgreSQL CPU per request"),
          () -> assertTrue(run.startupMillis() > 0, "start-up time"),
          () -> assertTrue(run.rssKib() > 0, "resident memory from /proc"),
          () -> assertTrue(run.liveKib() > 0, "live set after a full collection, from jcmd"));
    }
  }

  @Test
  void eachRunCarriesWhatItsConfigurationSays() {
    Report.Run plain = report.runs("no-agent").get(0);
    Report.Run agent = report.runs("sqlorigin").get(0);
    assertEquals("none", plain.sqlComment(), "what PostgreSQL saw without an agent");
    assertEquals("route", agent.sqlComment(), "what PostgreSQL saw with sqlorigin");
    assertEquals(
        "route+application_name",
        report.runs("sqlorigin-application-name").get(0).sqlComment(),
        "what PostgreSQL saw with the request ID in application_name");
    assertEquals(
        "route",
        report.runs("sqlorigin-otel-otlp").get(0).sqlComment(),
        "what PostgreSQL saw with sqlorigin exporting to the sink in its own process");
    assertEquals(
        "traceparent",
        report.runs("otel-agent").get(0).sqlComment(),
        "what PostgreSQL saw with the OpenTelemetry agent");
    assertEquals(0, plain.echoedRequestIds());
    assertEquals(agent.ok(), agent.echoedRequestIds(), "every response echoes an ID");
  }

  @Test
  void theMarkdownHasARowPerConfigurationAndTheRatioAgainstNoAgent() {
    assertTrue(markdown.contains("\n| no-agent | 1 | "), markdown);
    assertTrue(markdown.contains("\n| sqlorigin | 1 | "), markdown);
    assertTrue(markdown.contains("### Against no-agent"), markdown);
    String ratioRow =
        markdown
            .lines()
            .filter(line -> line.startsWith("| sqlorigin | ") && !line.contains(" | 1 | "))
            .findFirst()
            .orElse("");
    assertFalse(
        ratioRow.isEmpty() || ratioRow.contains("n/a"), "ratio row: " + ratioRow + "\n" + markdown);
  }

  @Test
  void badOptionsAreRejectedWithAMessageThatNamesThem() {
    LoadHarness.Invalid unknown =
        assertThrows(
            LoadHarness.Invalid.class, () -> LoadHarness.Options.parse("--config=no-agent"));
    assertTrue(unknown.getMessage().contains("--config"), unknown.getMessage());
    LoadHarness.Invalid badConfig =
        assertThrows(
            LoadHarness.Invalid.class,
            () -> LoadHarness.Options.parse("--configs=no-agent,sqlorgin"));
    assertTrue(badConfig.getMessage().contains("sqlorgin"), badConfig.getMessage());
    LoadHarness.Invalid baselineNotRun =
        assertThrows(
            LoadHarness.Invalid.class,
            () ->
                LoadHarness.Options.parse("--configs=no-agent,sqlorigin", "--baseline=otel-agent"));
    assertTrue(baselineNotRun.getMessage().contains("otel-agent"), baselineNotRun.getMessage());
    LoadHarness.Invalid noOtherAgent =
        assertThrows(
            LoadHarness.Invalid.class,
            () -> LoadHarness.Options.parse("--configs=no-agent,sqlorigin-other"));
    assertTrue(noOtherAgent.getMessage().contains("--other-agent-jar"), noOtherAgent.getMessage());
    LoadHarness.Invalid zeroRate =
        assertThrows(LoadHarness.Invalid.class, () -> LoadHarness.Options.parse("--rate=0"));
    assertTrue(zeroRate.getMessage().contains("--rate"), zeroRate.getMessage());
    LoadHarness.Invalid missingJar =
        assertThrows(
            LoadHarness.Invalid.class,
            () -> LoadHarness.Options.parse("--app-jar=/nonexistent/sample-app.jar"));
    assertTrue(
        missingJar.getMessage().contains("/nonexistent/sample-app.jar"), missingJar.getMessage());
    LoadHarness.Invalid unbuiltModule =
        assertThrows(
            LoadHarness.Invalid.class, () -> LoadHarness.Options.parse("--module=spring-boot9"));
    assertTrue(
        unbuiltModule.getMessage().contains("test-apps/spring-boot9/target"),
        unbuiltModule.getMessage());
    LoadHarness.Invalid sampleWorkloadOnATestApp =
        assertThrows(
            LoadHarness.Invalid.class,
            () -> LoadHarness.Options.parse("--module=spring-boot2", "--workload=report"));
    assertTrue(
        sampleWorkloadOnATestApp.getMessage().contains("pets"),
        sampleWorkloadOnATestApp.getMessage());
  }

  @Test
  void optionsHaveBoundedDefaults() throws Exception {
    LoadHarness.Options options =
        LoadHarness.Options.parse(
            "--agent-jar=" + existing("sqlorigin.agent.jar", "the shaded agent jar"),
            "--app-jar=" + existing("sqlorigin.sample.jar", "the sample application jar"),
            "--otel-agent-jar="
                + existing("sqlorigin.otel.agent.jar", "the OpenTelemetry Java agent jar"));
    assertEquals(5, options.rounds());
    assertEquals(Duration.ofSeconds(10), options.duration());
    assertEquals(8, options.connections());
    assertEquals(
        List.of(
            "no-agent",
            "sqlorigin",
            "sqlorigin-application-name",
            "sqlorigin-id-in-comment",
            "otel-agent"),
        options.configs());
    assertTrue(
        options.estimate().compareTo(Duration.ofMinutes(10)) < 0,
        "a default run takes minutes, not hours");
  }

  private static Path existing(String property, String what) {
    String value = System.getProperty(property);
    if (value == null || !Files.isRegularFile(Paths.get(value))) {
      fail(
          what
              + " is missing ("
              + property
              + "="
              + value
              + "): build the whole project with "
              + "`./mvnw verify` (or `./mvnw install -DskipTests` first), which packages it before this module");
    }
    return Paths.get(value).toAbsolutePath().normalize();
  }
}
