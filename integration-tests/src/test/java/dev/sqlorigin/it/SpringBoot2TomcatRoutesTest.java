package dev.sqlorigin.it;

import dev.sqlorigin.it.support.RunsOnJava11;

/** Spring Boot 2.7 (Spring 5.3, javax) on embedded Tomcat 9, Hibernate 5, jOOQ 3.14, HikariCP 4. */
@RunsOnJava11
class SpringBoot2TomcatRoutesTest extends SpringBootRoutesContract {
  @Override
  String module() {
    return "spring-boot2";
  }
}
