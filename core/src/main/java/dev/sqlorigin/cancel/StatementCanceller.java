package dev.sqlorigin.cancel;

/**
 * Cancels one statement. Core cannot see {@code java.sql} (it sits on the bootstrap class path with
 * java.base only), so the JDBC instrumentation provides the implementation.
 */
public interface StatementCanceller {
  void cancel(Object statement) throws Exception;
}
