package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.Sqlorigin;
import dev.sqlorigin.instrumentation.Advice;

/**
 * Puts the current request's comment in front of the SQL argument of {@code execute*(String)} and
 * {@code addBatch(String)} ({@code prepare*} has its own, which also hands the text to telemetry);
 * the fail-fast and tracking advice of those methods is applied beside it.
 */
public final class TagSqlAdvice {

  private TagSqlAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void onEnter(@Advice.Argument(value = 0, readOnly = false) String sql) {
    sql = Sqlorigin.tag(sql);
  }
}
