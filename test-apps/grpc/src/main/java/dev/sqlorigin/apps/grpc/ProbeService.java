package dev.sqlorigin.apps.grpc;

import dev.sqlorigin.apps.probe.ProbeHandler;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code shop.Probe}, written as protoc's generated code is (method descriptors, a service
 * definition of stub handlers), with text messages. Each request names a probe endpoint as a path
 * with a query ({@code /prepared/42?raw=true}, {@code /cancellable/sleep?seconds=60}); the answer
 * is the probe's text.
 *
 * <ul>
 *   <li>{@code Run} (unary): one answer.
 *   <li>{@code Stream} (server-streaming): {@code count} answers (2 by default), one message each,
 *       the statements of each sent between the messages; it stops when the call is cancelled.
 *   <li>{@code Outcome} (unary): what a call whose client has gone answered in the end, by its
 *       request ID (the {@code x-request-id} it came with), waiting for it up to 30 s ({@code
 *       <request ID>?wait=<seconds>} for less).
 * </ul>
 */
final class ProbeService {

  static final String SERVICE = "shop.Probe";

  static final MethodDescriptor<String, String> RUN =
      method(SERVICE + "/Run", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<String, String> STREAM =
      method(SERVICE + "/Stream", MethodDescriptor.MethodType.SERVER_STREAMING);
  static final MethodDescriptor<String, String> OUTCOME =
      method(SERVICE + "/Outcome", MethodDescriptor.MethodType.UNARY);

  private ProbeService() {}

  static ServerServiceDefinition definition(ProbeHandler handler, Outcomes outcomes) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            RUN,
            ServerCalls.asyncUnaryCall(
                (target, observer) -> {
                  String answer = answer(handler, target, observer);
                  outcomes.record(ProbeInterceptor.REQUEST_ID.get(), answer);
                }))
        .addMethod(
            STREAM,
            ServerCalls.asyncServerStreamingCall(
                (target, observer) -> {
                  String answer = stream(handler, target, observer);
                  outcomes.record(ProbeInterceptor.REQUEST_ID.get(), answer);
                }))
        .addMethod(
            OUTCOME,
            ServerCalls.asyncUnaryCall(
                (requestId, observer) -> {
                  String outcome = outcomes.await(requestId);
                  if (outcome == null) {
                    observer.onError(
                        Status.NOT_FOUND
                            .withDescription("no outcome for " + requestId)
                            .asException());
                  } else {
                    observer.onNext(outcome);
                    observer.onCompleted();
                  }
                }))
        .build();
  }

  /** Answers {@code target} in one message; returns what it answered. */
  static String answer(ProbeHandler handler, String target, StreamObserver<String> observer) {
    String answer;
    try {
      answer = handle(handler, target);
    } catch (Exception e) {
      observer.onError(Status.INTERNAL.withDescription(String.valueOf(e)).asException());
      return "failed=" + e;
    }
    observer.onNext(answer);
    observer.onCompleted();
    return answer;
  }

  private static String stream(
      ProbeHandler handler, String target, StreamObserver<String> observer) {
    ServerCallStreamObserver<String> call = (ServerCallStreamObserver<String>) observer;
    String count = query(target).get("count");
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < (count == null ? 2 : Integer.parseInt(count)); i++) {
      if (call.isCancelled()) {
        return all.append("stopped=cancelled\n").toString();
      }
      String answer;
      try {
        answer = handle(handler, target);
      } catch (Exception e) {
        observer.onError(Status.INTERNAL.withDescription(String.valueOf(e)).asException());
        return all.append("failed=").append(e).toString();
      }
      all.append(answer);
      if (!call.isCancelled()) {
        observer.onNext(answer);
      }
    }
    if (!call.isCancelled()) {
      observer.onCompleted();
    }
    return all.toString();
  }

  private static String handle(ProbeHandler handler, String target) throws Exception {
    int query = target.indexOf('?');
    return handler.handle(query < 0 ? target : target.substring(0, query), query(target)::get);
  }

  private static Map<String, String> query(String target) {
    Map<String, String> parameters = new HashMap<>();
    int start = target.indexOf('?');
    if (start < 0) {
      return parameters;
    }
    for (String pair : target.substring(start + 1).split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        parameters.put(
            pair.substring(0, equals),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return parameters;
  }

  static MethodDescriptor<String, String> method(
      String fullMethodName, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(fullMethodName)
        .setRequestMarshaller(Text.MARSHALLER)
        .setResponseMarshaller(Text.MARSHALLER)
        .build();
  }
}
