package dev.sqlorigin.it;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import java.nio.file.Paths;

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
}
