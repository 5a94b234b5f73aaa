package dev.sqlorigin.it.support;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC client of the gRPC test application ({@code test-apps/grpc}): it calls {@code
 * shop.Probe/Run}, {@code Stream} and {@code Outcome} (or any method name) with text messages, as
 * {@code grpc-java}'s Netty transport sends them, and keeps what came back: headers, messages,
 * status and trailers.
 */
public final class GrpcProbe implements AutoCloseable {

  public static final String RUN = "shop.Probe/Run";
  public static final String STREAM = "shop.Probe/Stream";
  public static final String OUTCOME = "shop.Probe/Outcome";

  private static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final ManagedChannel channel;

  private GrpcProbe(ManagedChannel channel) {
    this.channel = channel;
  }

  /** A client of the server on the loopback {@code port}. */
  public static GrpcProbe connect(int port) {
    return new GrpcProbe(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
  }

  /** What a call answered; its header lookups read the response headers, then the trailers. */
  public record Answer(Status status, Metadata headers, Metadata trailers, List<String> messages)
      implements ProbeAnswer {
    @Override
    public boolean ok() {
      return status.isOk();
    }

    @Override
    public String header(String name) {
      Metadata.Key<String> key =
          Metadata.Key.of(name.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);
      String value = headers == null ? null : headers.get(key);
      return value != null || trailers == null ? value : trailers.get(key);
    }

    /** The messages, one after the other. */
    @Override
    public String body() {
      return String.join("", messages) + (status.isOk() ? "" : "status=" + status + "\n");
    }
  }

  /** A call under way. */
  public static final class Call {
    private final ClientCall<String, String> call;
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<String> firstMessage = new CompletableFuture<>();
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private volatile Metadata headers;

    private Call(ClientCall<String, String> call) {
      this.call = call;
    }

    /** Gives up on the call, as a client's {@code Context} cancellation or stub's cancel does. */
    public void cancel() {
      call.cancel("the test gave up", null);
    }

    /** Waits (up to 60 s) for the first message. */
    public String firstMessage() throws Exception {
      return firstMessage.get(60, TimeUnit.SECONDS);
    }

    /** Waits (up to 120 s) for the call to end. */
    public Answer answer() throws Exception {
      return answer.get(120, TimeUnit.SECONDS);
    }
  }

  /** Calls {@code method} with {@code target} and waits for its answer. */
  public Answer call(String method, String target, String... headerLines) throws Exception {
    return start(method, target, null, headerLines).answer();
  }

  /** The same, with a deadline: the call fails with DEADLINE_EXCEEDED once it has passed. */
  public Answer call(String method, String target, Duration deadline, String... headerLines)
      throws Exception {
    return start(method, target, deadline, headerLines).answer();
  }

  /**
   * Starts a call of {@code method} (a full method name) with {@code target} as its one message and
   * {@code headerLines} ({@code Name: value}) as its metadata, with {@code deadline} (or none).
   */
  public Call start(String method, String target, Duration deadline, String... headerLines) {
    MethodDescriptor<String, String> descriptor =
        MethodDescriptor.<String, String>newBuilder()
            .setType(
                method.equals(STREAM)
                    ? MethodDescriptor.MethodType.SERVER_STREAMING
                    : MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .setRequestMarshaller(TEXT)
            .setResponseMarshaller(TEXT)
            .build();
    CallOptions options = CallOptions.DEFAULT;
    if (deadline != null) {
      options = options.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
    }
    Metadata metadata = new Metadata();
    for (String line : headerLines) {
      int colon = line.indexOf(':');
      metadata.put(
          Metadata.Key.of(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              Metadata.ASCII_STRING_MARSHALLER),
          line.substring(colon + 1).trim());
    }
    Call started = new Call(channel.newCall(descriptor, options));
    started.call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onHeaders(Metadata headers) {
            started.headers = headers;
          }

          @Override
          public void onMessage(String message) {
            started.messages.add(message);
            started.firstMessage.complete(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            started.firstMessage.completeExceptionally(
                new AssertionError("the call closed with " + status + " before a message"));
            started.answer.complete(
                new Answer(status, started.headers, trailers, List.copyOf(started.messages)));
          }
        },
        metadata);
    started.call.request(Integer.MAX_VALUE);
    started.call.sendMessage(target);
    started.call.halfClose();
    return started;
  }

  /** What the call with {@code requestId} answered in the end, after its client was gone. */
  public String outcome(String requestId) throws Exception {
    Answer answer = call(OUTCOME, requestId);
    if (!answer.ok()) {
      throw new AssertionError("no outcome for " + requestId + ": " + answer.status());
    }
    return answer.body();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }
}
