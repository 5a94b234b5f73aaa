package dev.sqlorigin.comment;

/** How the comment is written. Both forms are read back by {@link SqlComment#parse(String)}. */
public enum CommentFormat {
  /**
   * Made to be read by a person in {@code pg_stat_activity}: {@code /*sqlorigin route='GET
   * /owners/{id}' request_id='4bf92f35'*}{@code /}. Only the characters that could end, nest or
   * confuse the comment are percent-encoded.
   */
  SQLORIGIN,
  /**
   * The sqlcommenter specification: keys sorted, values URL-encoded, comma-separated: {@code
   * /*request_id='4bf92f35',route='GET%20%2Fowners%2F%7Bid%7D'*}{@code /}.
   */
  SQLCOMMENTER
}
