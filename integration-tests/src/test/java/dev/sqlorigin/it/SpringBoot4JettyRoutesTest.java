package dev.sqlorigin.it;

/** Spring Boot 4 (Spring 7) on embedded Jetty 12.1, Hibernate 7, HikariCP. */
class SpringBoot4JettyRoutesTest extends SpringBootRoutesContract {
  @Override
  String module() {
    return "spring-boot4-jetty";
  }
}
