package dev.sqlorigin.it;

import dev.sqlorigin.it.support.GrpcProbe;
import dev.sqlorigin.it.support.ProbeAnswer;

/**
 * The same contract through a server-streaming method: the probe's answer comes as a message of the
 * stream, the request ID in the stream's response headers.
 */
class GrpcStreamingTaggingTest extends GrpcUnaryTaggingTest {

  @Override
  ProbeAnswer probe(String target, String... headerLines) throws Exception {
    // One message: the contract counts the statements of one probe.
    String once = target + (target.contains("?") ? "&" : "?") + "count=1";
    return client().call(GrpcProbe.STREAM, once, headerLines);
  }

  @Override
  String probeRoute(String kind, boolean withId) {
    return "/shop.Probe/Stream";
  }
}
