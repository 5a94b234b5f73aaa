package dev.sqlorigin.cli;

import dev.sqlorigin.cli.render.Glyphs;
import dev.sqlorigin.cli.render.JsonViews;
import dev.sqlorigin.cli.render.LocksText;
import dev.sqlorigin.cli.snapshot.Snapshot;
import dev.sqlorigin.cli.view.Filter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "locks",
    mixinStandardHelpOptions = true,
    description = {
      "The blocking tree: a one-line verdict, then each root blocker (pid, origin, request ID,"
          + " application, state and age, the lock it holds, transaction age, query) with the"
          + " sessions waiting behind it, recursively. A session waiting for several blockers"
          + " and wait cycles are shown, not looped on.",
      "--route, --app and --min-age keep the trees that contain a matching session; --limit"
          + " caps the number of root blockers."
    })
final class LocksCommand implements Callable<Integer>, ViewRunner.View {

  @ParentCommand Main main;
  @Mixin ViewOptions options;

  @Override
  public Integer call() {
    return ViewRunner.run(main, options, this);
  }

  @Override
  public boolean needsLocks() {
    return true;
  }

  @Override
  public List<String> text(Snapshot snapshot, Filter filter, Glyphs glyphs) {
    return LocksText.lines(snapshot, filter, glyphs);
  }

  @Override
  public Object json(Snapshot snapshot, Filter filter) {
    return JsonViews.raw().locks(snapshot, filter);
  }
}
