package dev.sqlorigin.instrumentation.servlet;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.jaxrs.JerseyInstrumentation;
import dev.sqlorigin.instrumentation.servlet.jakarta.JakartaAsyncContextInstrumentation;
import dev.sqlorigin.instrumentation.servlet.jakarta.JakartaServletInstrumentation;
import dev.sqlorigin.instrumentation.servlet.javax.JavaxAsyncContextInstrumentation;
import dev.sqlorigin.instrumentation.servlet.javax.JavaxServletInstrumentation;
import dev.sqlorigin.instrumentation.spring.SpringMvcInstrumentation;
import java.util.List;

/**
 * The servlet request source, {@code javax} and {@code jakarta}, and the frameworks on it that
 * refine its route (Spring MVC, Jersey): after the servlet's own advice, since a framework's
 * servlet ({@code DispatcherServlet}) is both.
 */
public final class ServletInstrumentationModule {

  private ServletInstrumentationModule() {}

  public static List<TypeInstrumentation> typeInstrumentations() {
    return List.of(
        JakartaServletInstrumentation.INSTRUMENTATION,
        JavaxServletInstrumentation.INSTRUMENTATION,
        JakartaAsyncContextInstrumentation.INSTRUMENTATION,
        JavaxAsyncContextInstrumentation.INSTRUMENTATION,
        SpringMvcInstrumentation.INSTRUMENTATION,
        JerseyInstrumentation.INSTRUMENTATION);
  }
}
