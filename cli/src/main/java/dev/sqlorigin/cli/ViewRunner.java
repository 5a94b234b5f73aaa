package dev.sqlorigin.cli;

import dev.sqlorigin.cli.render.Glyphs;
import dev.sqlorigin.cli.render.Json;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.snapshot.Snapshots;
import dev.sqlorigin.cli.view.Filter;
import dev.sqlorigin.cli.watch.Watch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Runs a view once, or again and again with {@code --watch}. */
final class ViewRunner {

  /** A view of a snapshot, as lines of text and as JSON. */
  interface View {
    /** Whether it draws the lock tree, which needs {@code pg_locks}. */
    boolean needsLocks();

    List<String> text(Snapshot snapshot, Filter filter, Glyphs glyphs);

    Object json(Snapshot snapshot, Filter filter);
  }

  private ViewRunner() {}

  static int run(Main main, ViewOptions options, View view) {
    Filter filter = options.filter();
    Glyphs glyphs = Glyphs.forCharset(main.charset);
    try (Snapshots snapshots = new Snapshots(options.target(main), options.statementTimeout)) {
      if (options.watch == null) {
        print(main, options, view, snapshots.take(view.needsLocks()), filter, glyphs);
        return 0;
      }
      if (options.watch.toMillis() < 100) {
        throw new ConsoleException("--watch needs an interval of 100ms or more");
      }
      if (!options.json && Tty.interactive()) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
          Watch.run(
              terminal,
              options.watch,
              () -> view.text(snapshots.take(view.needsLocks()), filter, glyphs));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return 0;
      }
      // Not a terminal (a pipe, a log): one frame after the other, until the process is stopped.
      while (true) {
        try {
          print(main, options, view, snapshots.take(view.needsLocks()), filter, glyphs);
          if (!options.json) {
            main.out.println();
          }
        } catch (ConsoleException e) {
          main.err.println("sqlorigin: " + e.getMessage());
        }
        main.out.flush();
        try {
          Thread.sleep(options.watch.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 0;
        }
      }
    }
  }

  private static void print(
      Main main, ViewOptions options, View view, Snapshot snapshot, Filter filter, Glyphs glyphs) {
    if (options.json) {
      main.out.println(Json.write(view.json(snapshot, filter)));
    } else {
      for (String line : view.text(snapshot, filter, glyphs)) {
        main.out.println(line);
      }
    }
    main.out.flush();
  }
}
