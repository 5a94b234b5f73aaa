package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.util.List;

/** The JDBC instrumentations: every driver and pool, matched by the {@code java.sql} interfaces. */
public final class JdbcInstrumentationModule {

  private JdbcInstrumentationModule() {}

  public static List<TypeInstrumentation> typeInstrumentations() {
    return List.of(
        ConnectionInstrumentation.INSTRUMENTATION,
        StatementInstrumentation.INSTRUMENTATION,
        DataSourceInstrumentation.INSTRUMENTATION);
  }
}
