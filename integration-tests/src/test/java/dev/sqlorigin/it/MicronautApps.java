package dev.sqlorigin.it;

import dev.sqlorigin.it.support.AppProcess;

/** The Micronaut test application ({@code test-apps/micronaut}), as the contracts start it. */
final class MicronautApps {

  /**
   * Micronaut's blocking executor: a pool of {@code io-executor-thread-N} before JDK 21, virtual
   * threads after.
   */
  static final String REQUEST_THREADS = "io-executor-thread-\\d+|virtual-executor\\S*";

  private MicronautApps() {}

  static AppProcess.Builder application() {
    return AppProcess.testApp("micronaut", "dev.sqlorigin.apps.micronaut.MicronautApp");
  }
}
