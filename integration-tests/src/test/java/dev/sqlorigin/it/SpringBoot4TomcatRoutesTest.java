package dev.sqlorigin.it;

/** Spring Boot 4 (Spring 7) on embedded Tomcat 11, Hibernate 7, HikariCP. */
class SpringBoot4TomcatRoutesTest extends SpringBootRoutesContract {
  @Override
  String module() {
    return "spring-boot4";
  }
}
