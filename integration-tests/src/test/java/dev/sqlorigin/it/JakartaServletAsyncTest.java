package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.it.apps.JakartaApp;
import dev.sqlorigin.it.support.AppProcess;
import dev.sqlorigin.it.support.PgActivity;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** jakarta.servlet on Jetty 12 ee10, with HTTP/2: a stream reset abandons the async request. */
class JakartaServletAsyncTest extends ServletAsyncContract {

  @Override
  AppProcess.Builder application() {
    return AppProcess.main(JakartaApp.class);
  }

  @Test
  void anHttp2StreamResetAbandonsTheAsyncRequestAndCancelsItsStatement() throws Exception {
    HTTP2Client client = new HTTP2Client();
    client.start();
    try {
      Session session =
          client
              .connect(new InetSocketAddress("127.0.0.1", app.port()), new Session.Listener() {})
              .get(10, TimeUnit.SECONDS);
      MetaData.Request request =
          new MetaData.Request(
              "GET",
              HttpURI.from("http://127.0.0.1:" + app.port() + "/shop/async/sleep?seconds=60"),
              HttpVersion.HTTP_2,
              HttpFields.build().put("X-Request-Id", "h2-reset"));
      Stream stream =
          session
              .newStream(new HeadersFrame(request, null, true), new Stream.Listener() {})
              .get(10, TimeUnit.SECONDS);
      PgActivity.awaitRunning("request_id='h2-reset'", 1, 30_000);
      stream.reset(
          new ResetFrame(stream.getId(), ErrorCode.CANCEL_STREAM_ERROR.code), Callback.NOOP);
      PgActivity.awaitRunning("request_id='h2-reset'", 0, 10_000);
    } finally {
      client.stop();
    }
    // Logged once the cancel has its outcome, a moment after the statement ended.
    String line = app.awaitAgentLine("request h2-reset (GET /shop/async/sleep) abandoned");
    assertTrue(
        java.util.regex.Pattern.compile(
                "abandoned: async error \\(stream reset, I/O or application "
                    + "failure\\) after \\d+\\.\\d s; cancelled 1 statement; backend pid \\d+$")
            .matcher(line)
            .find(),
        line);
  }
}
