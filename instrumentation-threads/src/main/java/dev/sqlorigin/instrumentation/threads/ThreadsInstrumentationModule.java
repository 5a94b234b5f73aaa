package dev.sqlorigin.instrumentation.threads;

import dev.sqlorigin.instrumentation.JdkMethodHook;
import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.jobs.SqlOriginApiInstrumentation;
import java.util.List;

/**
 * Work outside the request's own thread: the units of work an application names through
 * sqlorigin-api, in the application's classes; and the JDK's executors, which are already loaded
 * when the agent starts and so are woven apart, by retransformation.
 */
public final class ThreadsInstrumentationModule {

  private ThreadsInstrumentationModule() {}

  /** The application's classes. */
  public static List<TypeInstrumentation> typeInstrumentations() {
    return List.of(SqlOriginApiInstrumentation.INSTRUMENTATION);
  }

  /** The JDK's classes, of the bootstrap loader. */
  public static List<JdkMethodHook> jdkMethodHooks() {
    return JdkExecutorInstrumentation.HOOKS;
  }
}
