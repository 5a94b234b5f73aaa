package dev.sqlorigin.cancel;

import dev.sqlorigin.context.CurrentRequest;
import dev.sqlorigin.context.RequestContext;

/** The refusal a JDBC call of an abandoned request gets, for calls that run no statement. */
public final class FailFast {

  private FailFast() {
  }

  /** The message to throw with SQLState 57014, or null to go ahead. */
  public static String refusal() {
    RequestContext context = CurrentRequest.get();
    if (context == null || context.inCleanup()) {
      return null;
    }
    Abandonment abandonment = context.checkAbandonment();
    return abandonment == null ? null : abandonment.message();
  }
}
