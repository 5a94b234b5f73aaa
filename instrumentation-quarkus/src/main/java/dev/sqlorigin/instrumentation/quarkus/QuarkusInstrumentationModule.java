package dev.sqlorigin.instrumentation.quarkus;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.util.List;

/**
 * Quarkus REST (RESTEasy Reactive on Vert.x): a request starts and is bound wherever its handler
 * chain runs (the event loop, a worker thread, a virtual thread), takes the route template of the
 * resource method it matched, and is abandoned as soon as Vert.x reports its connection closed.
 */
public final class QuarkusInstrumentationModule {

  /** What each instrumentation reads of RESTEasy Reactive's classes was written for 3.x. */
  static final String TITLE = "Quarkus REST (RESTEasy Reactive)";

  /**
   * RESTEasy Reactive's server request: its client shares the classes of the handler chain, and
   * where the server is absent they are left alone.
   */
  static final String SERVER =
      "org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext";

  private QuarkusInstrumentationModule() {}

  public static List<TypeInstrumentation> typeInstrumentations() {
    return List.of(
        RestHandlerChainInstrumentation.INSTRUMENTATION,
        RestRequestInstrumentation.INSTRUMENTATION,
        VertxRestRequestInstrumentation.INSTRUMENTATION);
  }
}
