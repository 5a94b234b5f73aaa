package dev.sqlorigin.apps.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.EnableAsync;

/**
 * A small Spring Boot application as users write them (controllers with path variables and
 * class-level mappings, Hibernate and JdbcTemplate over HikariCP, a filter, {@code @Async}, {@code
 * DeferredResult}), started by the tests in its own JVM: {@code PetsApplication
 * --spring.datasource.url=<jdbc url> --server.port=0} (or {@code DATABASE_URL}). The same code runs
 * on Spring Boot 3 and 4, on Tomcat and on Jetty.
 */
@SpringBootApplication
@EnableAsync
public class PetsApplication {

  public static void main(String[] args) {
    SpringApplication.run(PetsApplication.class, args);
  }

  /** The line the tests (support/AppProcess) and the start-up benchmark wait for. */
  @EventListener(ApplicationReadyEvent.class)
  public void announce(ApplicationReadyEvent event) {
    Environment environment = event.getApplicationContext().getEnvironment();
    System.out.println(
        "listening on http://127.0.0.1:" + environment.getProperty("local.server.port"));
  }
}
