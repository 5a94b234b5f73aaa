package dev.sqlorigin.route;

/**
 * Turns what a servlet container knows about a request into a low-cardinality route template: the
 * servlet mapping when it names the endpoint exactly, else the path with ID-like segments replaced
 * by {@code {id}}. Never the query string.
 */
public final class Routes {

  static final int MAX_SEGMENTS = 12;
  static final int MAX_SEGMENT_LENGTH = 64;
  static final int MAX_RPC_NAME = 200;

  private Routes() {}

  /**
   * @param mappingMatch the name of the servlet {@code MappingMatch} ({@code EXACT}, {@code PATH},
   *     {@code EXTENSION}, {@code DEFAULT}, {@code CONTEXT_ROOT}), or null when unknown
   */
  public static String servlet(
      String method,
      String contextPath,
      String servletPath,
      String pathInfo,
      String mappingPattern,
      String mappingMatch) {
    String context = contextPath == null ? "" : normalizePath(contextPath);
    if (context.equals("/")) {
      context = "";
    }
    String path;
    if ("EXACT".equals(mappingMatch) && mappingPattern != null && mappingPattern.startsWith("/")) {
      path = normalizePath(mappingPattern);
    } else if ("CONTEXT_ROOT".equals(mappingMatch)) {
      path = "/";
    } else {
      String full = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
      path = normalizePath(full);
    }
    return method(method) + " " + context + path;
  }

  /**
   * A framework's route template (a Spring MVC pattern, JAX-RS {@code @Path}s joined) under the
   * base path the servlet container gave it, bounded and cleaned like every route. A trailing slash
   * is dropped: {@code /owners/} and {@code /owners} name one endpoint.
   */
  public static String template(String method, String basePath, String template) {
    String path =
        normalizePath(
            (basePath == null ? "" : basePath)
                + "/"
                + (template == null ? "" : withoutPatterns(template)));
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return method(method) + " " + path;
  }

  /**
   * {@code template} with the regular expressions of its variables dropped: JAX-RS {@code /{id:
   * [0-9]+}} and Micronaut {@code /{id:[0-9]+}} name the same route as {@code /{id}}.
   */
  static String withoutPatterns(String template) {
    if (template.indexOf(':') < 0) {
      return template;
    }
    StringBuilder out = new StringBuilder(template.length());
    int depth = 0;
    boolean inPattern = false;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth == 0) {
          inPattern = false;
        }
      } else if (c == ':' && depth == 1 && !inPattern) {
        // The variable's name ends here; trailing blanks before the colon go too.
        while (out.length() > 0 && out.charAt(out.length() - 1) == ' ') {
          out.setLength(out.length() - 1);
        }
        inPattern = true;
        continue;
      }
      if (!inPattern || c == '}' && depth == 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * The part of a request's path that a servlet framework's patterns are relative to: the context
   * path, plus the servlet path when the framework's servlet is mapped under a prefix ({@code
   * /api/*}: there is a path info). Under the default mapping ({@code /}) the servlet path is the
   * whole path and is left out.
   */
  public static String servletBase(String contextPath, String servletPath, String pathInfo) {
    String context = contextPath == null ? "" : contextPath;
    return pathInfo != null && servletPath != null ? context + servletPath : context;
  }

  /**
   * The route of an RPC: its full method name with a leading slash, as HTTP/2 carries it ({@code
   * /shop.Orders/Create}). A name of letters, digits and {@code _ . -} around one slash, of at most
   * {@value #MAX_RPC_NAME} characters, is a method the server registered and is kept whole (a
   * method named {@code Get2024} is no ID). Anything else can only come from a server that serves
   * names it was not built with (a proxy's fallback registry): it is bounded and its ID-like parts
   * hidden, like a path.
   */
  public static String rpc(String fullMethodName) {
    if (fullMethodName == null || fullMethodName.isEmpty()) {
      return "/";
    }
    int slashes = 0;
    boolean plain = fullMethodName.length() <= MAX_RPC_NAME;
    for (int i = 0; i < fullMethodName.length() && plain; i++) {
      char c = fullMethodName.charAt(i);
      if (c == '/') {
        slashes++;
      } else {
        plain =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == '-';
      }
    }
    return plain && slashes == 1 && fullMethodName.charAt(0) != '/'
        ? "/" + fullMethodName
        : normalizePath(fullMethodName);
  }

  /**
   * The HTTP method when it is a plain token of capitals, else {@code _OTHER} (as OpenTelemetry
   * does).
   */
  public static String method(String method) {
    if (method == null || method.isEmpty() || method.length() > 16) {
      return "_OTHER";
    }
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (c < 'A' || c > 'Z') {
        return "_OTHER";
      }
    }
    return method;
  }

  /**
   * Replaces ID-like segments with {@code {id}}, drops empty segments, and bounds the result
   * ({@value #MAX_SEGMENTS} segments of at most {@value #MAX_SEGMENT_LENGTH} characters) so that a
   * hostile path cannot make a long or unbounded set of routes.
   */
  public static String normalizePath(String path) {
    if (path == null || path.isEmpty()) {
      return "/";
    }
    StringBuilder out = new StringBuilder(Math.min(path.length(), 256));
    int segments = 0;
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      if (end > start) {
        if (++segments > MAX_SEGMENTS) {
          out.append("/{...}");
          break;
        }
        String segment = path.substring(start, end);
        out.append('/');
        if (isIdLike(segment)) {
          out.append("{id}");
        } else if (segment.length() > MAX_SEGMENT_LENGTH) {
          out.append("{...}");
        } else {
          out.append(segment);
        }
      }
      start = end + 1;
    }
    if (out.length() == 0 || path.endsWith("/") && segments <= MAX_SEGMENTS) {
      out.append('/');
    }
    return out.toString();
  }

  /**
   * Digits only; a UUID; 16 or more hex digits; or 4 and more characters of which at least half are
   * digits ({@code ORD-2024-000123}, {@code 123abc}).
   */
  static boolean isIdLike(String segment) {
    int digits = 0;
    int hex = 0;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
        hex++;
      } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        hex++;
      }
    }
    int length = segment.length();
    if (digits == length) {
      return true;
    }
    if (length == 36
        && hex == 32
        && segment.charAt(8) == '-'
        && segment.charAt(13) == '-'
        && segment.charAt(18) == '-'
        && segment.charAt(23) == '-') {
      return true;
    }
    if (length >= 16 && hex == length) {
      return true;
    }
    return length >= 4 && digits * 2 >= length;
  }

  /**
   * The name an application gives a unit of work ({@code job:import-learners}), bounded and with
   * ID-like parts (between {@code :} and {@code /}) replaced by {@code {id}}, as routes are: a name
   * built from data must not make a route per record.
   */
  public static String origin(String name) {
    String trimmed = name == null ? "" : name.strip();
    if (trimmed.isEmpty()) {
      return "job";
    }
    StringBuilder out = new StringBuilder(Math.min(trimmed.length(), 128));
    int segments = 0;
    int start = 0;
    for (int i = 0; i <= trimmed.length(); i++) {
      if (i < trimmed.length() && trimmed.charAt(i) != ':' && trimmed.charAt(i) != '/') {
        continue;
      }
      if (++segments > MAX_SEGMENTS) {
        out.append("{...}");
        break;
      }
      String segment = trimmed.substring(start, i);
      if (!segment.isEmpty()) {
        out.append(
            isIdLike(segment) ? "{id}" : segment.length() > MAX_SEGMENT_LENGTH ? "{...}" : segment);
      }
      if (i < trimmed.length()) {
        out.append(trimmed.charAt(i));
      }
      start = i + 1;
    }
    return out.toString();
  }

  /**
   * A thread name with its numbers replaced by {@code {n}}, for statements sent outside any request
   * ({@code pool-3-thread-12} becomes {@code pool-{n}-thread-{n}}).
   */
  public static String threadName(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length() && out.length() < MAX_SEGMENT_LENGTH; i++) {
      char c = name.charAt(i);
      if (c >= '0' && c <= '9') {
        while (i + 1 < name.length() && name.charAt(i + 1) >= '0' && name.charAt(i + 1) <= '9') {
          i++;
        }
        out.append("{n}");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
