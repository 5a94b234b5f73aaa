package dev.sqlorigin.agent;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import dev.sqlorigin.instrumentation.grpc.GrpcInstrumentationModule;
import dev.sqlorigin.instrumentation.jdbc.JdbcInstrumentationModule;
import dev.sqlorigin.instrumentation.micronaut.MicronautInstrumentationModule;
import dev.sqlorigin.instrumentation.quarkus.QuarkusInstrumentationModule;
import dev.sqlorigin.instrumentation.servlet.ServletInstrumentationModule;
import dev.sqlorigin.instrumentation.threads.ThreadsInstrumentationModule;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every instrumentation of the application's classes, in the order their advice is applied to a
 * class that several match. The weaver reads this one list, and the class-header filter the names
 * derived from it ({@link WantedNames}, written into the jar by the build). Built when first read,
 * on the agent's own thread, beside the application's start, with the weaver.
 */
final class Instrumentations {

  static final List<TypeInstrumentation> ALL =
      Stream.of(
              JdbcInstrumentationModule.typeInstrumentations(),
              ServletInstrumentationModule.typeInstrumentations(),
              QuarkusInstrumentationModule.typeInstrumentations(),
              MicronautInstrumentationModule.typeInstrumentations(),
              GrpcInstrumentationModule.typeInstrumentations(),
              ThreadsInstrumentationModule.typeInstrumentations())
          .flatMap(List::stream)
          .collect(Collectors.toUnmodifiableList());

  private Instrumentations() {}
}
