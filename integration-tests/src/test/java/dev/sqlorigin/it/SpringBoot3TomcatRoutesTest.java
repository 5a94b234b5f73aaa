package dev.sqlorigin.it;

/** Spring Boot 3 (Spring 6) on embedded Tomcat 10.1, Hibernate 6, HikariCP. */
class SpringBoot3TomcatRoutesTest extends SpringBootRoutesContract {
  @Override
  String module() {
    return "spring-boot3";
  }
}
