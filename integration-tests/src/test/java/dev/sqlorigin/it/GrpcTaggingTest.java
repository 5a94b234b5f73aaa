package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.GrpcProbe;
import dev.sqlorigin.it.support.ProbeAnswer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A gRPC service on grpc-java's Netty server ({@code test-apps/grpc}), HikariCP and raw driver
 * connections: every statement of a unary call carries the full method name and the request ID from
 * its metadata, which comes back in the response headers; so does every statement of a
 * server-streaming call, between its messages.
 */
class GrpcTaggingTest extends TaggingContract {

  static final String APP = "dev.sqlorigin.apps.grpc.GrpcApp";

  private GrpcProbe client;

  @Override
  AppProcess.Builder application() {
    return AppProcess.testApp("grpc", APP);
  }

  @Override
  ProbeAnswer probe(String target, String... headerLines) throws Exception {
    return client().call(GrpcProbe.RUN, target, headerLines);
  }

  @Override
  String probeRoute(String kind, boolean withId) {
    return "/shop.Probe/Run";
  }

  @Override
  String requestThreads() {
    return "app-\\d+";
  }

  @Test
  void anInterceptorsStatementBelongsToTheCallItIntercepts() throws Exception {
    // The application's interceptor runs a statement in startCall, before the method's handler,
    // and wraps the call to report it in a response header.
    ProbeAnswer answer = probe("/prepared", "X-Request-Id: intercepted-1", "X-Filter: 1");
    assertTrue(answer.ok(), answer.body());
    assertTagged(answer.header("X-Filter-Sent"), probeRoute("prepared", false), "intercepted-1");
    assertTagged(answer.values("sent").get(0), probeRoute("prepared", false), "intercepted-1");
    assertEquals("intercepted-1", answer.header("X-Request-Id"));
  }

  @Test
  void everyStatementOfAServerStreamCarriesTheCall() throws Exception {
    // Three answers, one message each, the statements of each sent before its message.
    GrpcProbe.Answer answer =
        client().call(GrpcProbe.STREAM, "/prepared?count=3", "X-Request-Id: stream-tagged");
    assertTrue(answer.ok(), answer.body());
    assertEquals(3, answer.messages().size(), answer.body());
    assertEquals("stream-tagged", answer.header("X-Request-Id"));
    List<String> sent = answer.values("sent");
    assertEquals(3, sent.size(), answer.body());
    for (String text : sent) {
      assertTagged(text, "/shop.Probe/Stream", "stream-tagged");
    }
  }

  @Test
  void anErrorAnsweredWithTrailersOnlyStillEchoesTheRequestId() throws Exception {
    ProbeAnswer answer = probe("/fail", "X-Request-Id: failed-1");
    assertFalse(answer.ok(), answer.body());
    assertEquals("failed-1", answer.header("X-Request-Id"));
  }

  GrpcProbe client() {
    if (client == null) {
      client = GrpcProbe.connect(app.port());
    }
    return client;
  }

  @AfterAll
  void closeClient() throws InterruptedException {
    if (client != null) {
      client.close();
    }
  }
}
