package samples;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Classes an application could have, outside the agent's packages (which the weaver leaves alone),
 * for the instrumentations whose real targets are not on the test class path.
 */
public final class SampleClasses {

  private SampleClasses() {}

  /** A servlet container's async context. */
  public abstract static class JakartaAsync implements jakarta.servlet.AsyncContext {
    @Override
    public void start(Runnable task) {
      task.run();
    }
  }

  /** The same, javax. */
  public abstract static class JavaxAsync implements javax.servlet.AsyncContext {
    @Override
    public void start(Runnable task) {
      task.run();
    }
  }

  /** A filter that inherits its doFilter: nothing of it is advised, so it is not rewritten. */
  public abstract static class InheritingFilter extends jakarta.servlet.http.HttpFilter {
    private static final long serialVersionUID = 1L;
  }

  /** A pool. */
  public abstract static class Pool implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      throw new SQLException("empty");
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public Logger getParentLogger() {
      return null;
    }
  }

  /** Nothing any instrumentation changes. */
  public static final class Unrelated implements Runnable {
    @Override
    public void run() {}
  }
}
