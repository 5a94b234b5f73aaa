package dev.sqlorigin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core's packages import each other without a cycle: what a request is ({@code context}), what
 * cancels its statements ({@code cancel}), what happens to it ({@code lifecycle}) and who watches
 * ({@code telemetry}) each build only on the ones before.
 */
class PackageDependenciesTest {

  private static final Path SOURCES = Paths.get("src/main/java");
  private static final Pattern IMPORT =
      Pattern.compile(
          "^import (?:static )?(dev\\.sqlorigin(?:\\.[a-z]+)*)\\.[A-Z]", Pattern.MULTILINE);

  @Test
  void corePackagesFormNoCycle() throws IOException {
    Map<String, Set<String>> imports = imports();
    assertTrue(imports.containsKey("dev.sqlorigin.lifecycle"), "sources not found: " + imports);
    List<String> cycle = cycle(imports);
    assertEquals(List.of(), cycle, "an import cycle; the graph: " + imports);
  }

  @Test
  void theContextKnowsNothingOfWhatActsOnIt() throws IOException {
    Set<String> context = imports().get("dev.sqlorigin.context");
    for (String acting : List.of("cancel", "lifecycle", "telemetry", "source")) {
      assertTrue(!context.contains("dev.sqlorigin." + acting), "context imports " + acting);
    }
    assertTrue(
        !imports().get("dev.sqlorigin.lifecycle").contains("dev.sqlorigin.telemetry"),
        "telemetry observes the lifecycle; the lifecycle does not call it");
  }

  private static Map<String, Set<String>> imports() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file :
          (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        String from = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
        Set<String> to = graph.computeIfAbsent(from, key -> new TreeSet<>());
        Matcher matcher = IMPORT.matcher(Files.readString(file));
        while (matcher.find()) {
          if (!matcher.group(1).equals(from)) {
            to.add(matcher.group(1));
          }
        }
      }
    }
    return graph;
  }

  /** A cycle of packages, as a path that returns to its start, or an empty list. */
  private static List<String> cycle(Map<String, Set<String>> graph) {
    for (String start : graph.keySet()) {
      List<String> path = new ArrayList<>();
      if (reaches(graph, start, start, path, new TreeSet<>())) {
        path.add(0, start);
        return path;
      }
    }
    return List.of();
  }

  private static boolean reaches(
      Map<String, Set<String>> graph,
      String from,
      String target,
      List<String> path,
      Set<String> seen) {
    for (String next : graph.getOrDefault(from, Set.of())) {
      if (next.equals(target)) {
        path.add(next);
        return true;
      }
      if (seen.add(next) && reaches(graph, next, target, path, seen)) {
        path.add(0, next);
        return true;
      }
    }
    return false;
  }
}
