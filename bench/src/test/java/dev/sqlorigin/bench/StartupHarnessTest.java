package dev.sqlorigin.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupHarnessTest {

  @Test
  void wallPerCpuAddedIsTheSumsRatioOverTheRounds() {
    // +300 ms of wall for +600 ms of CPU in all: half, though no single round is.
    assertEquals(
        "0.50",
        StartupHarness.wallPerCpuAdded(List.of(100.0, 250.0, -50.0), List.of(300.0, 200.0, 100.0)));
    assertEquals("no CPU added", StartupHarness.wallPerCpuAdded(List.of(10.0), List.of(-5.0)));
  }

  @Test
  void wallPerCpuAddedIsNotGivenWhenTheCpuAddedIsWithinItsNoise() {
    // A mean of +5 ms of CPU over rounds that differ by a second: a ratio would be noise.
    assertEquals(
        "CPU added within noise",
        StartupHarness.wallPerCpuAdded(
            List.of(400.0, -500.0, 300.0, -100.0), List.of(1000.0, -990.0, 20.0, -10.0)));
    // The same spread around a mean of +1,000 ms is an agent's CPU.
    assertEquals(
        "0.25",
        StartupHarness.wallPerCpuAdded(
            List.of(400.0, 500.0, 0.0, 100.0), List.of(2000.0, 10.0, 1020.0, 970.0)));
  }

  @Test
  void threadCpuAddedPairsTheRoundsAndCountsAKindOneSideLacksAsZero() {
    List<Map<String, Long>> without =
        List.of(Map.of("main", 1000L, "C2", 900L), Map.of("main", 1100L, "C2", 800L));
    List<Map<String, Long>> with =
        List.of(
            Map.of("main", 1200L, "C2", 950L, "sqlorigin", 5L),
            Map.of("main", 1150L, "sqlorigin", 7L));
    Map<String, List<Double>> added = StartupHarness.addedByKind(with, without);
    assertEquals(List.of(200.0, 50.0), added.get("main"));
    assertEquals(List.of(50.0, -800.0), added.get("C2"), "C2 not seen in the second round");
    assertEquals(List.of(5.0, 7.0), added.get("sqlorigin"), "the agent's own threads");
    assertEquals(List.of("C2", "main", "sqlorigin"), List.copyOf(added.keySet()));
  }
}
