package dev.sqlorigin.cli.watch;

import java.io.IOException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * Refreshes a view in place, as {@code top} does: the alternate screen, only the lines that changed
 * are rewritten (JLine's {@link Display}), so nothing flickers; {@code q} (or Ctrl-C) quits and
 * gives the screen back as it was.
 */
public final class Watch {

  /** One refresh: the lines to show, or an exception whose message is shown on top. */
  public interface Frame {
    List<String> render() throws Exception;
  }

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Watch() {}

  public static void run(Terminal terminal, Duration interval, Frame frame) throws IOException {
    AtomicBoolean quit = new AtomicBoolean();
    AtomicBoolean resized = new AtomicBoolean();
    Terminal.SignalHandler previousInt =
        terminal.handle(Terminal.Signal.INT, signal -> quit.set(true));
    Terminal.SignalHandler previousWinch =
        terminal.handle(Terminal.Signal.WINCH, signal -> resized.set(true));
    Attributes saved = terminal.enterRawMode();
    terminal.puts(Capability.enter_ca_mode);
    terminal.puts(Capability.cursor_invisible);
    terminal.puts(Capability.clear_screen);
    terminal.flush();
    try {
      Display display = new Display(terminal, true);
      NonBlockingReader keys = terminal.reader();
      List<String> last = List.of();
      while (!quit.get()) {
        String problem = null;
        try {
          last = frame.render();
        } catch (Exception e) {
          problem = dev.sqlorigin.cli.connect.Database.oneLine(e);
        }
        Size size = terminal.getSize();
        int rows = Math.max(3, size.getRows());
        int columns = Math.max(20, size.getColumns());
        display.resize(rows, columns);
        display.update(screen(last, problem, interval, rows, columns), -1);
        terminal.flush();
        long deadline = System.nanoTime() + interval.toNanos();
        while (!quit.get() && !resized.getAndSet(false)) {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            break;
          }
          // Short reads, so that a Ctrl-C (a flag set by the signal handler) is seen at once.
          int key = keys.read(Math.min(left, 100));
          if (key == 'q' || key == 'Q' || key == 3 || key == NonBlockingReader.EOF) {
            quit.set(true);
          }
        }
      }
    } finally {
      terminal.puts(Capability.cursor_visible);
      terminal.puts(Capability.exit_ca_mode);
      terminal.flush();
      terminal.setAttributes(saved);
      terminal.handle(Terminal.Signal.INT, previousInt);
      terminal.handle(Terminal.Signal.WINCH, previousWinch);
    }
  }

  /** The view cut to the screen, a status line at the bottom. */
  static List<AttributedString> screen(
      List<String> lines, String problem, Duration interval, int rows, int columns) {
    List<AttributedString> screen = new ArrayList<>();
    if (problem != null) {
      screen.add(
          new AttributedString(
              "refresh failed at " + LocalTime.now().format(CLOCK) + ": " + problem,
              AttributedStyle.BOLD.foreground(AttributedStyle.RED)));
    }
    int room = rows - 1 - screen.size();
    for (int i = 0; i < lines.size() && i < room; i++) {
      String line = lines.get(i);
      if (i == room - 1 && lines.size() > room) {
        line =
            "… "
                + (lines.size() - room + 1)
                + " more lines (--limit, --route, --app narrow the view)";
      }
      AttributedString shown = new AttributedString(line);
      screen.add(shown.columnLength() > columns ? shown.columnSubSequence(0, columns) : shown);
    }
    while (screen.size() < rows - 1) {
      screen.add(AttributedString.EMPTY);
    }
    String status =
        "refreshed "
            + LocalTime.now().format(CLOCK)
            + ", every "
            + dev.sqlorigin.cli.Durations.format(interval)
            + "  ·  q quits";
    AttributedString bar = new AttributedString(status, AttributedStyle.INVERSE);
    screen.add(bar.columnLength() > columns ? bar.columnSubSequence(0, columns) : bar);
    return screen;
  }
}
