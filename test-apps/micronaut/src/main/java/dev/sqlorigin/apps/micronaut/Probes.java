package dev.sqlorigin.apps.micronaut;

import com.zaxxer.hikari.HikariDataSource;
import dev.sqlorigin.apps.probe.Probe;
import dev.sqlorigin.apps.probe.ProbeHandler;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;

/** The probe over the HikariCP pool Micronaut configured. */
@Factory
public class Probes {

  @Bean
  @Singleton
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
    // Work outside requests runs on the executor of the blocking controller methods.
    return new ProbeHandler(probe, blocking, () -> "own-dependencies=not-checked\n");
  }
}
