package dev.sqlorigin.it.support;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test application's probe answered, whichever way it was asked (an HTTP request, a gRPC
 * call): whether it succeeded, the response's headers (or gRPC metadata), and a body of {@code
 * name=value} lines.
 */
public interface ProbeAnswer {

  /** An HTTP 200, a gRPC OK. */
  boolean ok();

  /** The response header (gRPC: response metadata) {@code name}, in any case; null if absent. */
  String header(String name);

  String body();

  /** The values of {@code name=value} body lines named {@code name}. */
  default List<String> values(String name) {
    List<String> values = new ArrayList<>();
    for (String line : body().split("\n")) {
      if (line.startsWith(name + "=")) {
        values.add(line.substring(name.length() + 1));
      }
    }
    return values;
  }
}
