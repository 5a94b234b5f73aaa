package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import samples.SampleClasses;

/**
 * The agent's one list of instrumentations feeds its class-header filter and its weaver: every
 * instrumentation changes a real class of the kind it is for, and that class gets through the
 * filter to be changed. An instrumentation added without a class here fails the test, as does one
 * whose declared super types or names do not lead the filter to the classes its advice is for.
 */
class InstrumentationListTest {

  /** For each instrumentation, classes it must change. */
  private static final Map<String, List<String>> CHANGED = new LinkedHashMap<>();

  static {
    CHANGED.put("ConnectionInstrumentation", List.of("org.postgresql.jdbc.PgConnection"));
    CHANGED.put(
        "StatementInstrumentation",
        List.of("org.postgresql.jdbc.PgStatement", "org.postgresql.jdbc.PgPreparedStatement"));
    CHANGED.put("DataSourceInstrumentation", List.of(SampleClasses.Pool.class.getName()));
    CHANGED.put(
        "ServletInstrumentation[jakarta.servlet]", List.of("jakarta.servlet.http.HttpServlet"));
    CHANGED.put("ServletInstrumentation[javax.servlet]", List.of("javax.servlet.http.HttpServlet"));
    CHANGED.put(
        "AsyncContextInstrumentation[jakarta.servlet]",
        List.of(SampleClasses.JakartaAsync.class.getName()));
    CHANGED.put(
        "AsyncContextInstrumentation[javax.servlet]",
        List.of(SampleClasses.JavaxAsync.class.getName()));
    CHANGED.put(
        "SpringMvcInstrumentation",
        List.of(
            "org.springframework.web.servlet.DispatcherServlet",
            "org.springframework.web.servlet.HandlerExecutionChain"));
    CHANGED.put(
        "JerseyInstrumentation",
        List.of("org.glassfish.jersey.server.model.internal.AbstractJavaResourceMethodDispatcher"));
    CHANGED.put("SqlOriginApiInstrumentation", List.of("dev.sqlorigin.api.SqlOrigin"));
    CHANGED.put(
        "RestHandlerChainInstrumentation",
        List.of("org.jboss.resteasy.reactive.common.core.AbstractResteasyReactiveContext"));
    CHANGED.put(
        "RestRequestInstrumentation",
        List.of("org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext"));
    CHANGED.put(
        "VertxRestRequestInstrumentation",
        List.of("org.jboss.resteasy.reactive.server.vertx.VertxResteasyReactiveRequestContext"));
    CHANGED.put(
        "NettyRequestInstrumentation", List.of("io.micronaut.http.server.netty.NettyHttpRequest"));
    CHANGED.put(
        "ResponseInstrumentation", List.of("io.micronaut.http.server.netty.RoutingInBoundHandler"));
    CHANGED.put(
        "RouteExecutionInstrumentation",
        List.of(
            "io.micronaut.web.router.AbstractRouteMatch",
            "io.micronaut.web.router.DefaultUriRouteMatch"));
    CHANGED.put(
        "GrpcServerCallHandlerInstrumentation",
        List.of(
            "io.grpc.stub.ServerCalls$UnaryServerCallHandler",
            "io.grpc.stub.ServerCalls$StreamingServerCallHandler"));
    CHANGED.put(
        "GrpcServerCallListenerInstrumentation",
        List.of(
            "io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener",
            "io.grpc.ServerCall$Listener",
            "io.grpc.ForwardingServerCallListener"));
    CHANGED.put("GrpcServerCallInstrumentation", List.of("io.grpc.internal.ServerCallImpl"));
  }

  private final ClassLoader loader = getClass().getClassLoader();
  private final ClassFileTransformer weaver = new Weaver(Instrumentations.ALL);
  private final SuperTypeFilter filter =
      new SuperTypeFilter(
          CompletableFuture.completedFuture(weaver),
          Instrumentations.ALL,
          TimeUnit.SECONDS.toNanos(10));

  @Test
  void everyInstrumentationHasClassesItChanges() {
    Set<String> listed =
        Instrumentations.ALL.stream()
            .map(TypeInstrumentation::name)
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(CHANGED.keySet()), listed);
  }

  @Test
  void everyClassAnInstrumentationIsForPassesTheFilterAndIsChangedIntoAClassTheJvmVerifies()
      throws Exception {
    Hierarchies hierarchies = new Hierarchies(LoadedClasses.NONE);
    for (TypeInstrumentation instrumentation : Instrumentations.ALL) {
      for (String target : CHANGED.get(instrumentation.name())) {
        String what = instrumentation.name() + " on " + target;
        Set<String> hierarchy =
            hierarchies.of(loader, internal(target)).stream()
                .map(name -> name.replace('/', '.'))
                .collect(Collectors.toSet());
        assertTrue(instrumentation.changes(target, false, hierarchy), what + ": matched");
        assertTrue(filter.mayMatch(loader, classFile(target)), what + ": let through the filter");
        byte[] woven =
            filter.transform(
                loader.getUnnamedModule(),
                loader,
                internal(target),
                null,
                // Where the class comes from: an instrumentation that knows only some versions of
                // its framework reads the version of the class's jar.
                Class.forName(target, false, loader).getProtectionDomain(),
                classFile(target));
        assertNotNull(woven, what + ": changed");
        // Listing its methods links the class: the JVM verifies the woven code, frames and all.
        Class<?> defined = new WovenFirst(target, woven, loader).loadClass(target);
        assertTrue(defined.getDeclaredMethods().length > 0, what + ": verified");
      }
    }
  }

  @Test
  void everyInstrumentationBySuperTypeNamesTheMethodsItAdvises() {
    // One that did not would make the filter look up the super types of every class that loads.
    for (TypeInstrumentation instrumentation : Instrumentations.ALL) {
      if (!instrumentation.superTypes().isEmpty()) {
        assertNotNull(instrumentation.methodNames(), instrumentation.name());
      }
    }
  }

  @Test
  void aClassThatDeclaresNoAdvisedMethodIsNotRewritten() throws Exception {
    Class<?> inheriting = SampleClasses.InheritingFilter.class;
    assertFalse(
        filter.mayMatch(loader, classFile(inheriting)),
        "a Filter, but it declares no doFilter of its own: the filter leaves it alone");
    assertNull(weave(inheriting), "and so would the weaver");
  }

  @Test
  void aClassNoInstrumentationIsForIsLeftAlone() throws Exception {
    assertFalse(filter.mayMatch(loader, classFile(SampleClasses.Unrelated.class)));
    assertNull(weave(SampleClasses.Unrelated.class));
  }

  @Test
  void aClassWhoseSuperTypeIsMissingIsLeftAloneWithoutAWarning() throws Exception {
    // As Netty's Log4J2Logger is where Log4j 2 is absent: the JVM cannot define it either.
    ClassWriter writer = new ClassWriter(0);
    writer.visit(
        Opcodes.V11,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT,
        "samples/OrphanLogger",
        null,
        "absent/LoggerWrapper",
        null);
    // A method of an advised name, so that the filter looks for its super types.
    writer
        .visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "execute", "()Z", null, null)
        .visitEnd();
    writer.visitEnd();
    byte[] orphan = writer.toByteArray();
    try (CapturedWarnings captured = CapturedWarnings.install()) {
      List<String> warnings = captured.warnings;
      assertTrue(filter.mayMatch(loader, orphan), "its hierarchy is unknown to the filter");
      assertNull(
          weaver.transform(
              loader.getUnnamedModule(), loader, "samples/OrphanLogger", null, null, orphan));
      assertEquals(List.of(), warnings);
    }
  }

  private byte[] weave(Class<?> type) throws IllegalClassFormatException, IOException {
    return weaver.transform(
        loader.getUnnamedModule(),
        loader,
        internal(type.getName()),
        null,
        null,
        classFile(type.getName()));
  }

  private static String internal(String type) {
    return type.replace('.', '/');
  }

  private byte[] classFile(Class<?> type) throws IOException {
    return classFile(type.getName());
  }

  private byte[] classFile(String type) throws IOException {
    try (InputStream in = loader.getResourceAsStream(internal(type) + ".class")) {
      return in.readAllBytes();
    }
  }
}
