package dev.sqlorigin.apps.grpc;

import dev.sqlorigin.apps.probe.ProbeHandler;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * What applications' interceptors do: reads the request ID into a {@code Context} value of its own
 * (so the call's events run in a context derived from the server's), and, when the call asks for it
 * ({@code x-filter} metadata), sends a statement before the method's handler runs and reports the
 * text PostgreSQL received in the response header {@code x-filter-sent}, through a wrapper of the
 * call.
 */
final class ProbeInterceptor implements ServerInterceptor {

  static final Context.Key<String> REQUEST_ID = Context.key("probe-request-id");
  private static final Metadata.Key<String> ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> FILTER =
      Metadata.Key.of("x-filter", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> FILTER_SENT =
      Metadata.Key.of("x-filter-sent", Metadata.ASCII_STRING_MARSHALLER);

  private final ProbeHandler handler;

  ProbeInterceptor(ProbeHandler handler) {
    this.handler = handler;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    ServerCall<ReqT, RespT> answering = call;
    if (headers.containsKey(FILTER)) {
      String sent;
      try {
        sent = handler.filterStatement();
      } catch (Exception e) {
        call.close(Status.INTERNAL.withDescription(String.valueOf(e)), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      answering =
          new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              responseHeaders.put(FILTER_SENT, sent.replace('\n', ' '));
              super.sendHeaders(responseHeaders);
            }
          };
    }
    Context context = Context.current().withValue(REQUEST_ID, headers.get(ID));
    return Contexts.interceptCall(context, answering, headers, next);
  }
}
