package dev.sqlorigin.apps.grpc;

import dev.sqlorigin.apps.probe.Probe;
import dev.sqlorigin.apps.probe.ProbeHandler;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC service on grpc-java's Netty server (grpc-netty-shaded, as applications ship it), started
 * in its own JVM by the tests: {@code GrpcApp <jdbc url>}. The probe's endpoints are methods of
 * {@code shop.Probe} ({@link ProbeService}), behind an interceptor ({@link ProbeInterceptor}); a
 * fallback registry serves any method of {@code shop.Any} ({@link AnyMethodRegistry}).
 */
public final class GrpcApp {

  private GrpcApp() {}

  public static void main(String[] args) throws Exception {
    // The server's threads, named as the tests expect: work outside calls runs on them too.
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService threads =
        Executors.newFixedThreadPool(
            8, task -> new Thread(task, "app-" + threadNumber.incrementAndGet()));
    // The probe's work outside calls runs on the server's threads, handed to them from a thread of
    // its own: handed over from inside a call, it would carry that call (the agent carries a
    // request into the tasks it submits to an executor), and it is to be outside any.
    Executor outsideCalls = task -> new Thread(() -> threads.execute(task), "outside").start();
    ProbeHandler handler = new ProbeHandler(new Probe(args[0]), outsideCalls, () -> "");
    Outcomes outcomes = new Outcomes();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .executor(threads)
            .addService(
                ServerInterceptors.intercept(
                    ProbeService.definition(handler, outcomes), new ProbeInterceptor(handler)))
            .fallbackHandlerRegistry(new AnyMethodRegistry(handler))
            .build()
            .start();
    // As services are stopped: no new calls, and the calls in progress get a while to finish.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.shutdown();
                  try {
                    server.awaitTermination(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "grpc-shutdown"));
    System.out.println("listening on port " + server.getPort());
    server.awaitTermination();
  }
}
