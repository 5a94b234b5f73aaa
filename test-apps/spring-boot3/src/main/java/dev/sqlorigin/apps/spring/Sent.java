package dev.sqlorigin.apps.spring;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Asks PostgreSQL for the text of the statement it is running ({@code current_query()}): what the
 * application sends, comment included, as the database received it.
 */
@Component
public class Sent {

  private final JdbcTemplate jdbc;

  Sent(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A statement on {@code owners}, which a test can lock to hold it in pg_stat_activity. */
  public String ownerQuery(long ownerId) {
    return jdbc.queryForObject(
        "SELECT current_query() FROM owners WHERE id = ?", String.class, ownerId);
  }

  public String query() {
    return jdbc.queryForObject("SELECT current_query()", String.class);
  }

  static String lines(String... sent) {
    StringBuilder body = new StringBuilder();
    for (String text : sent) {
      body.append("sent=").append(text).append('\n');
    }
    return body.toString();
  }
}
