package dev.sqlorigin.cli;

/**
 * A failure the operator can act on, told in one line (no stack trace), with the exit code the
 * console ends with: {@link #UNUSABLE} when it could not do its job at all (unreachable database,
 * wrong password, a server older than 12, a bad argument).
 */
public final class ConsoleException extends RuntimeException {

  /** The console could not do what it was asked: the database or the arguments are the cause. */
  public static final int UNUSABLE = 2;

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public ConsoleException(String message) {
    this(message, UNUSABLE);
  }

  public ConsoleException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
