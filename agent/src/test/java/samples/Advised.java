package samples;

import java.util.ArrayList;
import java.util.List;

/** A class for the weaver's tests to advise: not under the agent's packages, which it skips. */
public class Advised {

  public final List<String> calls = new ArrayList<>();

  public Advised() {
    calls.add("constructed");
  }

  public Advised(String name) {
    this();
    calls.add(name);
    if (name.isEmpty()) {
      return;
    }
    calls.add("named");
  }

  @Deprecated
  public String echo(String text) {
    return text;
  }

  public long sum(long a, int b, double c) {
    return a + b + (long) c;
  }

  public String fail(String message) {
    throw new IllegalStateException(message);
  }

  public String maybe(String value) {
    if (value.isEmpty()) {
      return "nothing";
    }
    calls.add("ran " + value);
    return "ran";
  }

  public static int twice(int x) {
    return 2 * x;
  }

  public String unchanged(String text) {
    return text;
  }
}
