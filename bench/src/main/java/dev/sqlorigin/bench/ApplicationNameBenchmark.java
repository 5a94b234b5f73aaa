package dev.sqlorigin.bench;

import dev.sqlorigin.instrumentation.jdbc.JdbcApplicationName;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What carrying the request ID in {@code application_name} costs per statement, with pgjdbc over
 * loopback to an embedded PostgreSQL: {@code same-request} is every statement after a request's
 * first on a connection (the name is already right: no round trip), {@code new-request} the first
 * (one {@code SET application_name}), {@code outside-request} a statement outside any request on a
 * connection that carries no request ID.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ApplicationNameBenchmark {

  @Param({"same-request", "new-request", "outside-request"})
  public String mode;

  private final JdbcApplicationName labeler = new JdbcApplicationName();
  private EmbeddedPostgres postgres;
  private Connection connection;
  private Statement statement;
  private final String[] ids = {
    "3f2a9c1e0b7d4c55a1e2f3a4b5c6d7e8", "0b7d4c55a1e2f3a43f2a9c1eb5c6d7e8"
  };
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException, SQLException {
    postgres = EmbeddedPostgres.builder().start();
    connection = postgres.getPostgresDatabase().getConnection();
    statement = connection.createStatement();
    labeler.label(statement, mode.equals("outside-request") ? null : ids[0]);
    String name = connection.getClientInfo("ApplicationName");
    if (mode.equals("outside-request") == name.contains(" req=")) {
      throw new IllegalStateException(mode + ": unexpected application_name " + name);
    }
  }

  @Benchmark
  public Object label() {
    String id =
        switch (mode) {
          case "same-request" -> ids[0];
          case "new-request" -> ids[next++ & 1];
          default -> null;
        };
    labeler.label(statement, id);
    return statement;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    connection.close();
    postgres.close();
  }
}
