package dev.sqlorigin.context;

import dev.sqlorigin.comment.CommentField;
import dev.sqlorigin.comment.SqlComment;
import dev.sqlorigin.config.Config;
import java.util.LinkedHashMap;
import java.util.Map;

/** What sqlorigin knows about one HTTP request: where it came in, and under which ID. */
public final class RequestContext {

  private final Config config;
  private final String requestId;
  private final long startNanos;
  private volatile String route;
  // Rendered once per request (and again if the route is refined): the per-statement cost is then
  // a thread-local read and a string insert.
  private volatile String comment;

  public RequestContext(Config config, String route, String requestId, long startNanos) {
    this.config = config;
    this.route = route;
    this.requestId = requestId;
    this.startNanos = startNanos;
  }

  /** The low-cardinality route template, e.g. {@code GET /owners/{id}}. */
  public String route() {
    return route;
  }

  public String requestId() {
    return requestId;
  }

  /** {@link System#nanoTime()} when the request came in. */
  public long startNanos() {
    return startNanos;
  }

  /**
   * Replaces the route with a better template once a framework knows it (a Spring MVC pattern, a
   * JAX-RS path); later statements of the request carry the new one.
   */
  public void refineRoute(String template) {
    if (template != null && !template.equals(route)) {
      route = template;
      comment = null;
    }
  }

  /** The comment for this request's statements, or null when no field is configured. */
  public String comment() {
    String rendered = comment;
    if (rendered == null) {
      Map<String, String> fields = new LinkedHashMap<>();
      if (config.commentFields().contains(CommentField.ROUTE)) {
        fields.put(CommentField.ROUTE.key(), route);
      }
      if (config.commentFields().contains(CommentField.REQUEST_ID)) {
        fields.put(CommentField.REQUEST_ID.key(), requestId);
      }
      rendered = SqlComment.render(config.commentFormat(), fields);
      comment = rendered;
    }
    return rendered;
  }

  @Override
  public String toString() {
    return route + " " + requestId;
  }
}
