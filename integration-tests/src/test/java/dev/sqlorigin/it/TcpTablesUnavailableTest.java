package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.HangingClient;
import dev.sqlorigin.it.support.Http;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client-disconnect check reads the kernel's TCP tables ({@code /proc/net/tcp6}, {@code tcp}).
 * Where they are missing (not Linux, a masked {@code /proc}) or stop being readable, the agent says
 * so in one line, stops checking, and everything else goes on: tagging, deadlines.
 */
class TcpTablesUnavailableTest {

  @Test
  void missingTablesTurnTheCheckOffWithOneLineAndDeadlinesStillWork(@TempDir Path empty)
      throws Exception {
    try (AppProcess app = app(empty)) {
      String started = app.agentLines().get(0);
      assertTrue(
          started.contains(
              "(client-disconnect detection unavailable: no readable tcp or tcp6 in "
                  + empty
                  + ")"),
          started);
      Http.Response tagged = Http.getOk(app.port(), "/shop/probe/prepared");
      assertTrue(
          tagged.values("sent").get(0).startsWith("/*sqlorigin route='GET /shop/probe/prepared'"),
          tagged.body());
      assertAbandonedByTheDeadlineNotTheDisconnect(app, "no-tables-1");
      assertEquals(List.of(), warnings(app), app.output());
    }
  }

  @Test
  void tablesThatCannotBeReadAnyMoreTurnTheCheckOffWithOneLine(@TempDir Path tables)
      throws Exception {
    // Readable at start (copies of this host's tables), gone by the first check.
    for (String table : List.of("tcp6", "tcp")) {
      Files.write(tables.resolve(table), Files.readAllBytes(Paths.get("/proc/net", table)));
    }
    try (AppProcess app = app(tables)) {
      assertTrue(
          !app.agentLines().get(0).contains("detection unavailable"), app.agentLines().get(0));
      Files.delete(tables.resolve("tcp6"));
      Files.delete(tables.resolve("tcp"));
      assertAbandonedByTheDeadlineNotTheDisconnect(app, "lost-tables-1");
      assertAbandonedByTheDeadlineNotTheDisconnect(app, "lost-tables-2");
      List<String> warnings = warnings(app);
      assertEquals(1, warnings.size(), app.output());
      assertTrue(
          warnings.get(0).contains("client-disconnect detection off: cannot read the TCP tables (")
              && warnings.get(0).contains(tables.toString()),
          warnings.get(0));
    }
  }

  private static AppProcess app(Path tables) throws Exception {
    return AppProcess.main(JakartaApp.class)
        .property(Config.CANCEL_TCP_TABLES, tables.toString())
        .property(Config.REQUEST_TIMEOUT, "3s")
        .property(Config.COMMENT_FIELDS, "route,request_id")
        .args(TestDatabase.get().jdbcUrlWithCredentials())
        .start();
  }

  /**
   * A client gives up on its request while the statement runs, past the check threshold: without
   * the tables nothing notices, and the deadline ends it.
   */
  private static void assertAbandonedByTheDeadlineNotTheDisconnect(AppProcess app, String id)
      throws Exception {
    try (HangingClient gone =
        HangingClient.get(
            app.port(), "/shop/probe/cancellable/sleep?seconds=60", "X-Request-Id: " + id)) {
      PgActivity.awaitRunning("request_id='" + id + "'", 1, 30_000);
    }
    PgActivity.awaitRunning("request_id='" + id + "'", 0, 30_000);
    String abandoned = app.awaitAgentLine("request " + id + " ");
    assertTrue(abandoned.contains("abandoned: deadline passed after"), abandoned);
  }

  private static List<String> warnings(AppProcess app) {
    return app.agentLines().stream()
        .filter(line -> line.contains(" WARN "))
        .collect(Collectors.toList());
  }
}
