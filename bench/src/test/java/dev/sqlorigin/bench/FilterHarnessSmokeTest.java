package dev.sqlorigin.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One round of the filter harness over the sample app's jar, with the bench jar's own copy of the
 * agent's classes: a real pass in its own JVM. It checks that the pass judges the jar's classes,
 * lets through the few the instrumentations change and runs with the agent's compiler directives,
 * not how long it took.
 */
@Timeout(120)
class FilterHarnessSmokeTest {

  @Test
  void aPassOverTheSampleAppLetsThroughOnlyTheClassesItsInstrumentationsMayChange()
      throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    System.setOut(new PrintStream(captured, true, UTF_8));
    try {
      FilterHarness.main(new String[] {"--module=sample-app", "--rounds=1", "--seed=1"});
    } finally {
      System.setOut(out);
    }
    String report = captured.toString(UTF_8);
    Matcher row =
        Pattern.compile("\\| 1 \\| bench jar's \\| (\\d+) \\| (\\d+) \\| [\\d.]+ \\| ([\\d.]+) \\|")
            .matcher(report);
    assertTrue(row.find(), report);
    int classes = Integer.parseInt(row.group(1));
    int matched = Integer.parseInt(row.group(2));
    // Jetty, HikariCP and pgjdbc: thousands of classes, of which their statements, connections,
    // servlets and handlers may be changed.
    assertTrue(classes > 1000, report);
    assertTrue(matched > 0 && matched < classes / 20, report);
    assertTrue(Double.parseDouble(row.group(3)) > 0, "the pass's thread CPU: " + report);
    // The filter ran as at start: in C1's code, the agent's compiler directives added.
    assertTrue(
        Pattern.compile("\\| 1 \\| bench jar's \\|[^\\n]*\\| added \\|").matcher(report).find(),
        "the directives: " + report);
    assertTrue(report.contains("| bench jar's | "), "the summary's row: " + report);
  }
}
