package dev.sqlorigin.instrumentation.micronaut;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * Micronaut 4's HTTP server on Netty: a request starts when the server reads it (on the event
 * loop), is bound to the thread that runs its controller method (the event loop, or the executor of
 * {@code @ExecuteOn}: a worker or a virtual thread) with that method's route template, ends when
 * its response is written, and is abandoned as soon as Netty reports its channel closed.
 */
public final class MicronautInstrumentationModule {

  /** What each instrumentation reads of Micronaut's classes was written for 4.x. */
  static final String TITLE = "Micronaut HTTP server";

  private MicronautInstrumentationModule() {}

  public static List<TypeInstrumentation> typeInstrumentations() {
    return List.of(
        NettyRequestInstrumentation.INSTRUMENTATION,
        ResponseInstrumentation.INSTRUMENTATION,
        RouteExecutionInstrumentation.INSTRUMENTATION);
  }
}
