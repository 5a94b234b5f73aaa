package dev.sqlorigin.it.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class whose applications all run on Java 11: Jetty 10, Tomcat 9, Spring Boot 2.7, or
 * {@link AppProcess#probeApp()}; never the sample app, Jetty 12 or Spring Boot 3 and 4, which need
 * 17. CI runs the classes so tagged once more with the applications on JDK 11 ({@code
 * -Dgroups=java11 -Dsqlorigin.it.java.home=<JDK 11>}, see {@code .ci/run}); what needs a newer JDK
 * inside such a class is skipped by the JDK's version, and says so.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(RunsOnJava11.TAG)
public @interface RunsOnJava11 {
  String TAG = "java11";
}
