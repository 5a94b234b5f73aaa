package dev.sqlorigin.apps.micronaut;

import com.zaxxer.hikari.HikariDataSource;
import dev.sqlorigin.apps.probe.Probe;
import dev.sqlorigin.apps.probe.ProbeHandler;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import java.sql.SQLException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;

/** The probe over the HikariCP pool Micronaut configured. */
@Factory
public class Probes {

  /** Created at start-up, as the schema it sets up: not by the first request. */
  @Bean
  @Context
  ProbeHandler handler(
      DataSource dataSource, @Named(TaskExecutors.BLOCKING) ExecutorService blocking)
      throws SQLException {
    HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
    Probe probe =
        new Probe(
            pool.getJdbcUrl(),
            dataSource,
            () -> pool.getHikariPoolMXBean().getTotalConnections(),
            pool.getMaximumPoolSize());
    return new ProbeHandler(
        probe, outsideRequests(blocking), () -> "own-dependencies=not-checked\n");
  }

  /**
   * Work outside requests, on the executor of the blocking controller methods: handed to it by a
   * thread that serves no request, as a scheduler would. (Handed over from a request, a task of a
   * JDK executor carries that request: that is propagation, not a leak.)
   */
  private static Executor outsideRequests(ExecutorService blocking) {
    BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    Thread submitter =
        new Thread(
            () -> {
              try {
                while (true) {
                  blocking.execute(queue.take());
                }
              } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
              }
            },
            "probe-submitter");
    submitter.setDaemon(true);
    submitter.start();
    return queue::add;
  }
}
