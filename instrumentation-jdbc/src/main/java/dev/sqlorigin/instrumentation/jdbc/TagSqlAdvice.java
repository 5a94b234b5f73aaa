package dev.sqlorigin.instrumentation.jdbc;

import dev.sqlorigin.Sqlorigin;
import net.bytebuddy.asm.Advice;

/**
 * Puts the current request's comment in front of the SQL argument. Shared by every method that
 * takes SQL text ({@code prepareStatement}, {@code execute(String)}, {@code addBatch(String)});
 * the fail-fast and tracking advice of those methods is applied beside it.
 */
public final class TagSqlAdvice {

  private TagSqlAdvice() {
  }

  @Advice.OnMethodEnter(suppress = Throwable.class)
  public static void onEnter(@Advice.Argument(value = 0, readOnly = false) String sql) {
    sql = Sqlorigin.tag(sql);
  }
}
