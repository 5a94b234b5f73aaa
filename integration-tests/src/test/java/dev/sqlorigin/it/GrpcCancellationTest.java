package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.GrpcProbe;
import dev.sqlorigin.it.support.Jmx;
import dev.sqlorigin.it.support.PgActivity;
import dev.sqlorigin.it.support.ProbeAnswer;
import dev.sqlorigin.it.support.TcpProxy;
import dev.sqlorigin.it.support.WrongQueryStress;
import dev.sqlorigin.testing.TestDatabase;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Abandoned gRPC calls, with the real agent in the gRPC application: a call is abandoned the moment
 * its {@code Context} is cancelled (the client cancelled, its deadline passed, its connection
 * closed), and by the JVM's stop and the operator as any request is; its statements are cancelled
 * through the exact Statement, its later JDBC calls fail fast, and nobody else's query suffers. A
 * client that gave up never sees the answer: the application keeps it ({@code shop.Probe/Outcome}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcCancellationTest {

  private static final String ROUTE = "/shop.Probe/Run";
  private static final String CANCELLED = "abandoned: gRPC call cancelled";
  private static final String DEADLINE = "abandoned: gRPC deadline exceeded";

  private AppProcess app;
  private int jmxPort;
  private GrpcProbe client;

  @BeforeAll
  void start() throws Exception {
    jmxPort = Jmx.freePort();
    app = Jmx.enable(grpcApp(), jmxPort).args(TestDatabase.get().jdbcUrlWithCredentials()).start();
    client = GrpcProbe.connect(app.port());
    // The channel is connected before the deadlines are counted.
    assertTrue(client.call(GrpcProbe.RUN, "/cancellable/one").ok());
  }

  @AfterAll
  void stop() throws Exception {
    client.close();
    app.close();
  }

  static AppProcess.Builder grpcApp() {
    return CancellationContract.withIdInComment(AppProcess.testApp("grpc", GrpcTaggingTest.APP));
  }

  @Test
  void clientCancelAbandonsTheCallAtOnceAndCancelsOnlyItsOwnStatement() throws Exception {
    GrpcProbe.Call stays =
        client.start(GrpcProbe.RUN, "/cancellable/sleep?seconds=5", null, "X-Request-Id: stays-1");
    GrpcProbe.Call gone =
        client.start(GrpcProbe.RUN, "/cancellable/sleep?seconds=60", null, "X-Request-Id: gone-1");
    PgActivity.awaitRunning("request_id='gone-1'", 1, 30_000);
    PgActivity.awaitRunning("request_id='stays-1'", 1, 30_000);
    gone.cancel();
    long cancelledAfter = PgActivity.awaitRunning("request_id='gone-1'", 0, 10_000);
    assertEquals(Status.Code.CANCELLED, gone.answer().status().getCode());
    assertEquals(
        1,
        PgActivity.running("request_id='stays-1'"),
        "the other call's statement must keep running");
    String outcome = client.outcome("gone-1");
    assertTrue(
        outcome.contains("error=57014|sqlorigin: request gone-1 (" + ROUTE + ") " + CANCELLED)
            && outcome.contains("|cause=PSQLException"),
        outcome);
    GrpcProbe.Answer other = stays.answer();
    assertTrue(other.ok(), other.body());
    assertEquals(List.of(), other.values("error"), other.body());
    app.awaitOutput("request gone-1 (" + ROUTE + ") " + CANCELLED);
    System.out.println("gRPC cancel to idle backend: " + cancelledAfter + " ms");
  }

  @Test
  void deadlineCancelsTheStatementAndEveryLaterCallFailsWithoutReachingTheServer()
      throws Exception {
    String token = UUID.randomUUID().toString();
    GrpcProbe.Answer answer =
        client.call(
            GrpcProbe.RUN,
            "/cancellable/sequence?seconds=30&token=" + token,
            Duration.ofSeconds(1),
            "X-Request-Id: dl-1");
    assertEquals(Status.Code.DEADLINE_EXCEEDED, answer.status().getCode());
    CancellationContract.assertSequenceAbandoned(
        outcome("dl-1"),
        "57014|sqlorigin: request dl-1 (" + ROUTE + ") " + DEADLINE + " after",
        token,
        "dl-1");
  }

  @Test
  void abandonedTransactionRollsBackAndThePooledConnectionServesTheNextCall() throws Exception {
    int poolBefore = pool();
    String token = UUID.randomUUID().toString();
    client.call(
        GrpcProbe.RUN,
        "/cancellable/tx?seconds=30&token=" + token,
        Duration.ofSeconds(1),
        "X-Request-Id: tx-1");
    CancellationContract.assertTransactionAbandoned(outcome("tx-1"), DEADLINE, token);
    for (int i = 0; i < 5; i++) {
      assertEquals(poolBefore, pool(), "the pool lost or replaced a connection");
    }
  }

  @Test
  void closedConnectionAbandonsTheCall() throws Exception {
    try (TcpProxy proxy = TcpProxy.start("127.0.0.1", app.port());
        GrpcProbe proxied = GrpcProbe.connect(proxy.port())) {
      GrpcProbe.Call call =
          proxied.start(
              GrpcProbe.RUN, "/cancellable/sleep?seconds=60", null, "X-Request-Id: closed-1");
      PgActivity.awaitRunning("request_id='closed-1'", 1, 30_000);
      // The network path goes: no stream reset reaches the server, only the connection's end.
      proxy.dropAll();
      PgActivity.awaitRunning("request_id='closed-1'", 0, 10_000);
      assertEquals(Status.Code.UNAVAILABLE, call.answer().status().getCode());
    }
    assertTrue(
        client.outcome("closed-1").contains("request closed-1 (" + ROUTE + ") " + CANCELLED),
        app.output());
  }

  @Test
  void cancellingAServerStreamStopsItsStatements() throws Exception {
    GrpcProbe.Call stream =
        client.start(
            GrpcProbe.STREAM,
            "/cancellable/sleep?seconds=3&count=100",
            null,
            "X-Request-Id: stream-1");
    assertTrue(stream.firstMessage().contains("pool="), "the first message came");
    // Cancelled while the next statement runs, with seconds to spare: once, on a loaded machine,
    // a cancel sent right after the first message of 1 s statements reached the server only after
    // the second statement had ended, and the stream stopped with nothing to cancel.
    PgActivity.awaitRunning("request_id='stream-1'", 1, 10_000);
    stream.cancel();
    PgActivity.awaitRunning("request_id='stream-1'", 0, 10_000);
    String outcome = client.outcome("stream-1");
    assertTrue(
        outcome.contains("sqlorigin: request stream-1 (/shop.Probe/Stream) " + CANCELLED)
            && outcome.endsWith("stopped=cancelled\n"),
        outcome);
  }

  @Test
  void operatorCancelsACallByRequestIdAndByRoute() throws Exception {
    try (Jmx jmx = Jmx.connect(jmxPort)) {
      GrpcProbe.Call byId =
          client.start(GrpcProbe.RUN, "/cancellable/sleep?seconds=60", null, "X-Request-Id: op-1");
      GrpcProbe.Call byRoute =
          client.start(
              GrpcProbe.STREAM, "/cancellable/sleep?seconds=60", null, "X-Request-Id: op-2");
      PgActivity.awaitRunning("request_id='op-", 2, 30_000);
      List<String> listed = List.of((String[]) jmx.attribute("Requests"));
      assertTrue(
          listed.stream().anyMatch(line -> line.startsWith(ROUTE + " | op-1")), listed.toString());

      assertEquals(1, jmx.invoke("cancelRequest", "op-1"));
      assertTrue(
          client
              .outcome("op-1")
              .contains("op-1 (" + ROUTE + ") abandoned: cancelled by an operator"));
      assertEquals(1, PgActivity.running("request_id='op-2'"), "the other call must run on");
      assertEquals(1, jmx.invoke("cancelRoute", "/shop.Probe/Stream"));
      assertTrue(client.outcome("op-2").contains("op-2 (/shop.Probe/Stream) abandoned: cancelled"));
      PgActivity.awaitRunning("request_id='op-", 0, 10_000);
      // The operator cancelled the statements; the calls answered as their application chose to.
      byId.answer();
      byRoute.answer();

      TabularData counts = (TabularData) jmx.attribute("AbandonedByReason");
      CompositeData operator = counts.get(new Object[] {"operator"});
      assertEquals(2L, operator.get("value"));
    }
  }

  @Test
  void abandonmentAtRandomMomentsNeverFailsAnotherCallsStatement() throws Exception {
    try (AppProcess single =
            grpcApp()
                .property("probe.pool.size", "1")
                .property("probe.record-cancels", "true")
                .args(TestDatabase.get().jdbcUrlWithCredentials())
                .start();
        GrpcProbe doomedClient = GrpcProbe.connect(single.port());
        GrpcProbe innocentClient = GrpcProbe.connect(single.port())) {
      WrongQueryStress.run(
          new WrongQueryStress.Requests() {
            @Override
            public ProbeAnswer innocent(String requestId) throws Exception {
              return innocentClient.call(
                  GrpcProbe.RUN, "/cancellable/short", "X-Request-Id: " + requestId);
            }

            @Override
            public List<String> doomed(int i) throws Exception {
              // A deadline of 5 ms or more lands at random points of a loop of short statements.
              Duration deadline = Duration.ofNanos(WrongQueryStress.deadlineNanos(5_000_000));
              doomedClient.call(
                  GrpcProbe.RUN,
                  "/cancellable/loop?seconds=" + WrongQueryStress.statementSeconds(),
                  deadline,
                  "X-Request-Id: doomed-" + i);
              // A call cancelled before its method ran answered nothing.
              GrpcProbe.Answer outcome =
                  doomedClient.call(GrpcProbe.OUTCOME, "doomed-" + i + "?wait=5");
              return outcome.ok() ? outcome.values("error") : null;
            }

            @Override
            public ProbeAnswer cancelsSent() throws Exception {
              return innocentClient.call(GrpcProbe.RUN, "/cancels-sent");
            }
          },
          200,
          null);
    }
  }

  @Test
  void stoppingTheApplicationLeavesNoStatementOfItsCallsRunning() throws Exception {
    int calls = 4;
    try (AppProcess stopped = grpcApp().args(TestDatabase.get().jdbcUrlWithCredentials()).start();
        GrpcProbe stoppedClient = GrpcProbe.connect(stopped.port())) {
      List<GrpcProbe.Call> running = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        running.add(
            stoppedClient.start(
                GrpcProbe.RUN, "/cancellable/sleep?seconds=60", null, "X-Request-Id: stop-" + i));
      }
      PgActivity.awaitRunning("request_id='stop-", calls, 30_000);
      int exit = stopped.stop();
      assertTrue(exit == 143 || exit == 0, "exit code " + exit + "\n" + stopped.output());
      // The cancels were sent before the JVM exited; the server acts on them a moment later.
      PgActivity.awaitRunning("request_id='stop-", 0, 5_000);
      for (GrpcProbe.Call call : running) {
        // Answered with the statement's error before the server went, or cut off by its going.
        GrpcProbe.Answer answer = call.answer();
        assertTrue(
            !answer.ok() || answer.values("error").get(0).contains("abandoned: JVM shutting down"),
            answer.body());
      }
      assertTrue(stopped.output().contains("abandoned: JVM shutting down"), stopped.output());
    }
  }

  private GrpcProbe.Answer outcome(String requestId) throws Exception {
    GrpcProbe.Answer outcome = client.call(GrpcProbe.OUTCOME, requestId);
    assertTrue(outcome.ok(), "no outcome for " + requestId + ": " + outcome.status());
    return outcome;
  }

  private int pool() throws Exception {
    GrpcProbe.Answer answer = client.call(GrpcProbe.RUN, "/cancellable/one");
    assertEquals(List.of(), answer.values("error"), answer.body());
    return Integer.parseInt(answer.values("pool").get(0));
  }
}
