package dev.sqlorigin.comment;

/** A field the comment can carry; the key is the same in both formats. */
public enum CommentField {
  ROUTE("route"),
  REQUEST_ID("request_id");

  private final String key;

  CommentField(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
