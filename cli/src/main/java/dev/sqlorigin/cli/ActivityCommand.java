package dev.sqlorigin.cli;

import dev.sqlorigin.cli.render.ActivityText;
import dev.sqlorigin.cli.render.Glyphs;
import dev.sqlorigin.cli.render.JsonViews;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.view.Filter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "activity",
    mixinStandardHelpOptions = true,
    description = {
      "Live sessions grouped by origin (route) and application: sessions, active, waiting on a"
          + " lock, idle in transaction (with the oldest: the classic lock holder), the oldest"
          + " statement's age and a sample request ID. Busiest first.",
      "An idle session counts for its application, not for the route of its last statement."
    })
final class ActivityCommand implements Callable<Integer>, ViewRunner.View {

  @ParentCommand Main main;
  @Mixin ViewOptions options;

  @Override
  public Integer call() {
    return ViewRunner.run(main, options, this);
  }

  @Override
  public boolean needsLocks() {
    return false;
  }

  @Override
  public List<String> text(Snapshot snapshot, Filter filter, Glyphs glyphs) {
    return ActivityText.lines(snapshot, filter, glyphs);
  }

  @Override
  public Object json(Snapshot snapshot, Filter filter) {
    return JsonViews.raw().activity(snapshot, filter);
  }
}
