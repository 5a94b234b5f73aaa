package dev.sqlorigin.cli.snapshot;

import dev.sqlorigin.comment.OriginComment;
import java.util.Map;

/**
 * Where a session's work comes from, and what said so.
 *
 * @param label the route (or what stands for one), never null
 * @param source what it was read from: a comment format ({@code sqlorigin}, {@code sqlcommenter},
 *     {@code query_logs}, {@code datadog}, {@code comment}), or {@code application_name}, {@code
 *     client}, {@code hidden} (the console's role may not see the session's query)
 * @param requestId from the comment, or from sqlorigin's {@code req=} in {@code application_name}
 * @param application the application's own name: {@code application_name} without sqlorigin's
 *     {@code req=} part, or the one a comment names; may be empty
 * @param fields every field of a key-value comment
 */
public record Origin(
    String label,
    String source,
    String requestId,
    String traceparent,
    String application,
    Map<String, String> fields) {

  // What sqlorigin's agent appends to application_name (dev.sqlorigin.label.ApplicationName).
  private static final String REQUEST_ID_MARKER = "req=";

  /**
   * The origin of a session: its statement's comment; otherwise its {@code application_name};
   * otherwise its client address. An idle session is running nothing, whatever its last statement's
   * comment says: it belongs to its application (a pool's idle connections). The server's own
   * processes (autovacuum, WAL senders) are named after their kind.
   */
  static Origin of(
      String query,
      String applicationName,
      String clientAddress,
      String backendType,
      boolean idle,
      boolean visible) {
    String application = applicationName == null ? "" : applicationName;
    String requestId = null;
    int marker =
        application.startsWith(REQUEST_ID_MARKER)
            ? 0
            : application.lastIndexOf(" " + REQUEST_ID_MARKER) + 1;
    if (marker > 0 || application.startsWith(REQUEST_ID_MARKER)) {
      requestId = application.substring(marker + REQUEST_ID_MARKER.length());
      application = application.substring(0, Math.max(0, marker - 1));
    }
    if (backendType != null && !backendType.equals("client backend")) {
      // autovacuum, a WAL sender, a background worker: the server's own work
      return new Origin(backendType, "backend", null, null, application, Map.of());
    }
    if (!visible) {
      return new Origin(
          application.isEmpty() ? "(insufficient privilege)" : application,
          "hidden",
          requestId,
          null,
          application,
          Map.of());
    }
    OriginComment comment = idle ? null : OriginComment.read(query);
    if (comment != null) {
      String label = comment.label();
      if (application.isEmpty() && comment.application() != null) {
        application = comment.application();
      }
      if (comment.requestId() != null) {
        requestId = comment.requestId();
      }
      if (label != null) {
        return new Origin(
            label,
            comment.format() == OriginComment.Format.PLAIN
                ? "comment"
                : comment.format().name().toLowerCase(java.util.Locale.ROOT),
            requestId,
            comment.traceparent(),
            application,
            comment.fields());
      }
      // A traceparent alone: the origin comes from the application, the trace stays known.
      return fallback(
          application, clientAddress, requestId, comment.traceparent(), comment.fields());
    }
    return fallback(application, clientAddress, requestId, null, Map.of());
  }

  private static Origin fallback(
      String application,
      String clientAddress,
      String requestId,
      String traceparent,
      Map<String, String> fields) {
    if (!application.isEmpty()) {
      return new Origin(
          application, "application_name", requestId, traceparent, application, fields);
    }
    String client = clientAddress == null ? "local socket" : clientAddress;
    return new Origin(client, "client", requestId, traceparent, application, fields);
  }
}
