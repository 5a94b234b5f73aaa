package dev.sqlorigin.apps.quarkus;

import dev.sqlorigin.apps.probe.Probe;
import dev.sqlorigin.apps.probe.ProbeHandler;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.sql.SQLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The probe over the Agroal pool Quarkus configured. */
@ApplicationScoped
public class Probes {

  /** Created at start-up, as the schema it sets up: not by the first request. */
  @Produces
  @ApplicationScoped
  @Startup
  ProbeHandler handler(
      AgroalDataSource pool,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
      @ConfigProperty(name = "quarkus.datasource.jdbc.max-size") int maxSize)
      throws SQLException {
    // Agroal's own counters, for the probe's pool=<connections> answer (Quarkus turns them on
    // only beside a metrics extension).
    pool.getConfiguration().setMetricsEnabled(true);
    Probe probe =
        new Probe(
            jdbcUrl,
            pool,
            () -> (int) (pool.getMetrics().activeCount() + pool.getMetrics().availableCount()),
            maxSize);
    // Work outside requests runs on Quarkus's worker pool, the threads of blocking endpoints.
    return new ProbeHandler(
        probe, Infrastructure.getDefaultWorkerPool(), () -> "own-dependencies=not-checked\n");
  }
}
