package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.Http;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same contract with an older pgjdbc 42.x in place of the current one (call escapes above all).
 */
class OldPgjdbcTaggingTest extends ServletTaggingContract {
  @Override
  AppProcess.Builder application() {
    return AppProcess.main(JakartaApp.class)
        .replaceClassPathEntry(
            "postgresql-42", Paths.get(System.getProperty("sqlorigin.old.pgjdbc")));
  }

  @Test
  void theOldDriverIsTheOneTheApplicationLoaded() throws Exception {
    String expected = System.getProperty("sqlorigin.old.pgjdbc.version");
    assertEquals(
        List.of(expected), Http.get(app.port(), "/shop/probe/driver").values("sent"), expected);
  }
}
