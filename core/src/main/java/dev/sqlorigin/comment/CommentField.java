package dev.sqlorigin.comment;

/** A field the comment can carry; the key is the same in both formats. */
public enum CommentField {
  ROUTE("route"),
  REQUEST_ID("request_id"),
  /**
   * The W3C traceparent of the statement's OpenTelemetry client span: only with OpenTelemetry
   * export on, and off by default (a value unique per statement defeats server-side prepared
   * statements).
   */
  TRACEPARENT("traceparent");

  private final String key;

  CommentField(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
