package dev.sqlorigin.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether a person sits at this process's terminal (both input and output are one). */
final class Tty {

  private Tty() {}

  static boolean interactive() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      // From Java 22 a Console exists for redirected streams too; isTerminal() tells them apart.
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException e) {
      return true; // Java 17 to 21: a console exists only for a terminal
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }
}
