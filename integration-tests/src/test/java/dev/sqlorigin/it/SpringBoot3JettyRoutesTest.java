package dev.sqlorigin.it;

/** Spring Boot 3 (Spring 6) on embedded Jetty 12 ee10, Hibernate 6, HikariCP. */
class SpringBoot3JettyRoutesTest extends SpringBootRoutesContract {
  @Override
  String module() {
    return "spring-boot3-jetty";
  }
}
