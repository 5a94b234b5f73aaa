package dev.sqlorigin.cancel;

import dev.sqlorigin.context.Binding;
import dev.sqlorigin.context.CurrentRequest;

/** The refusal a JDBC call of an abandoned request gets, for calls that run no statement. */
public final class FailFast {

  private FailFast() {}

  /** The message to throw with SQLState 57014, or null to go ahead. */
  public static String refusal() {
    Binding binding = CurrentRequest.binding();
    if (binding == null || binding.inCleanup()) {
      return null;
    }
    Abandonment abandonment = binding.context().checkAbandonment();
    return abandonment == null ? null : abandonment.message();
  }
}
