package dev.sqlorigin.instrumentation.servlet;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.jaxrs.JerseyInstrumentation;
import dev.sqlorigin.instrumentation.spring.SpringMvcInstrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * The servlet request source, {@code jakarta.servlet} and {@code javax.servlet}, and the frameworks
 * on it that refine its route (Spring MVC, Jersey): after the servlet's own advice, since a
 * framework's servlet ({@code DispatcherServlet}) is both.
 */
public final class ServletInstrumentationModule {

  private ServletInstrumentationModule() {}

  public static List<TypeInstrumentation> typeInstrumentations() {
    List<TypeInstrumentation> instrumentations = new ArrayList<>();
    for (String servlet : List.of("jakarta.servlet", "javax.servlet")) {
      instrumentations.add(ServletInstrumentation.forPackage(servlet));
      instrumentations.add(AsyncContextInstrumentation.forPackage(servlet));
    }
    instrumentations.add(SpringMvcInstrumentation.INSTRUMENTATION);
    instrumentations.add(JerseyInstrumentation.INSTRUMENTATION);
    return List.copyOf(instrumentations);
  }
}
