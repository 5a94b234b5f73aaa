package dev.sqlorigin.instrumentation;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The annotations advice is written with: a static method run on entry to the methods an
 * instrumentation matches, one run on exit, and what their parameters stand for. The agent's weaver
 * reads them from the advice's class file and copies the advice's code into each matched method,
 * where the types it names resolve as the application's class sees them; the advice class itself is
 * never run. The names and meanings are Byte Buddy's ({@code net.bytebuddy.asm.Advice}), which the
 * agent used to weave with: advice reads the same to whoever knows that.
 *
 * <p>Advice code may call public methods of other classes only (not its own class's private ones,
 * not lambdas: they would be missing from the class it is copied into), and parameters it writes
 * ({@code readOnly = false}) are of the exact type of what they stand for.
 */
public final class Advice {

  private Advice() {}

  /**
   * Runs on entry. Its return value, if any, is the {@link Enter} of the exit advice of the same
   * class and, with {@link #skipOn()}, decides whether the method runs at all.
   */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.METHOD)
  public @interface OnMethodEnter {
    /**
     * The exceptions of the advice that are caught and dropped (its return value is then the
     * default one); {@code NoExceptionHandler}: none.
     */
    Class<? extends Throwable> suppress() default NoExceptionHandler.class;

    /**
     * {@link OnNonDefaultValue}: a return value other than null, false or 0 skips the method, which
     * then returns the default value of its type (the exit advice may replace it); {@code
     * void.class}: never skipped.
     */
    Class<?> skipOn() default void.class;
  }

  /** Runs on exit: after a normal return, and with {@link #onThrowable()} after a throw too. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.METHOD)
  public @interface OnMethodExit {
    /** {@code Throwable.class}: the exit advice runs when the method throws as well. */
    Class<? extends Throwable> onThrowable() default NoExceptionHandler.class;

    /** As {@link OnMethodEnter#suppress()}. */
    Class<? extends Throwable> suppress() default NoExceptionHandler.class;
  }

  /** The instance the method runs on (not in static methods). */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface This {}

  /** The method's argument at {@link #value()}. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Argument {
    int value();

    /** False: what the advice assigns to the parameter is what the method receives. */
    boolean readOnly() default true;

    /** True: null where the method has no such argument, instead of not matching. */
    boolean optional() default false;
  }

  /** In exit advice: what the entry advice of the same class returned. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Enter {}

  /** A variable that the entry and exit advice of one class share, by its name. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Local {
    String value();
  }

  /** In exit advice: the value the method returns (the default one after a throw or a skip). */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Return {
    /** False: what the advice assigns is returned instead. */
    boolean readOnly() default true;
  }

  /** In exit advice: what the method threw, or null. */
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.PARAMETER)
  public @interface Thrown {
    /** False: what the advice assigns is thrown instead (null: the method returns). */
    boolean readOnly() default true;
  }

  /** For {@link OnMethodEnter#skipOn()}. */
  public static final class OnNonDefaultValue {
    private OnNonDefaultValue() {}
  }

  /** The default of {@code suppress} and {@code onThrowable}: no exception is handled. */
  public static final class NoExceptionHandler extends Throwable {
    private static final long serialVersionUID = 1L;

    private NoExceptionHandler() {}
  }
}
