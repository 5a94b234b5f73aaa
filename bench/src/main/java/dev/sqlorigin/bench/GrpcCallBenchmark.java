package dev.sqlorigin.bench;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.Binding;
import dev.sqlorigin.source.GrpcCalls;
import io.grpc.Context;
import io.grpc.Metadata;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the gRPC advice does once per unary call, default settings, as it does it in the
 * application: reads the request ID from the metadata, starts the request in {@code startCall},
 * registers the proxy listener with a cancellable {@code Context} (as the server's is), binds the
 * request around the listener's message and half-close events, echoes the ID into the response
 * headers, closes and ends. The server's own work and the application's are left out.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GrpcCallBenchmark {

  private Metadata incoming;

  @Setup
  public void setUp() {
    Config.install(Config.load(Collections.emptyMap(), Collections.emptyMap()));
    incoming = new Metadata();
    incoming.put(
        Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER),
        "3f2c8a9e-6b1d-4f7a-9c3e-0d5b8e2a1f47");
    if (!call().equals("3f2c8a9e-6b1d-4f7a-9c3e-0d5b8e2a1f47")) {
      throw new IllegalStateException("the request ID was not echoed");
    }
  }

  @TearDown
  public void tearDown() {
    Config.install(Config.defaults());
  }

  @Benchmark
  public String call() {
    Object serverCall = new Object();
    Object listener = new Object();
    Context.CancellableContext context = Context.ROOT.withCancellation();
    String incomingId = null;
    for (String key : GrpcCalls.requestIdKeys()) {
      incomingId = incoming.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
      if (incomingId != null) {
        break;
      }
    }
    Binding starting =
        GrpcCalls.startCall(serverCall, "shop.Probe/Run", incomingId, -1, null, null);
    InvocationHandler handler = GrpcCalls.cancellationListener(serverCall);
    context.addListener(
        (Context.CancellationListener)
            Proxy.newProxyInstance(
                Context.CancellationListener.class.getClassLoader(),
                new Class<?>[] {Context.CancellationListener.class},
                handler),
        GrpcCalls.cancellationExecutor());
    GrpcCalls.startCallReturned(starting, serverCall, listener, null);
    GrpcCalls.exitListener(GrpcCalls.enterListener(listener)); // onMessage
    Binding halfClose = GrpcCalls.enterListener(listener);
    Metadata headers = new Metadata();
    String echoed = GrpcCalls.headersSent(serverCall);
    headers.put(Metadata.Key.of(GrpcCalls.responseKey(), Metadata.ASCII_STRING_MARSHALLER), echoed);
    GrpcCalls.exitListener(halfClose);
    GrpcCalls.closing(serverCall, 0);
    GrpcCalls.listenerDone(listener, GrpcCalls.enterListener(listener)); // onComplete
    context.cancel(null);
    return echoed;
  }
}
