package dev.sqlorigin.agent.control;

import dev.sqlorigin.config.Config;
import dev.sqlorigin.context.AbandonReason;
import dev.sqlorigin.context.RequestContext;
import dev.sqlorigin.control.RouteControls;
import dev.sqlorigin.control.RoutePattern;
import dev.sqlorigin.lifecycle.RequestLifecycle;
import dev.sqlorigin.lifecycle.RequestRegistry;
import dev.sqlorigin.log.AgentLog;

/**
 * Applies the operator's route controls from their three sources (the settings at start-up, the
 * control file, JMX) and gives up the requests already running on a route that becomes blocked.
 */
public final class Controls {

  private Controls() {}

  /** At start-up: the JVM's settings, then the control file if one is set. */
  public static void install(Config config) {
    String blocks =
        RouteControls.get()
            .settings(
                config.blockedRoutes(), config.routeLimits(), config.queueTimeout().toNanos());
    if (blocks != null) {
      AgentLog.info("route blocks from the settings: " + blocks);
    }
    if (config.controlFile() != null) {
      ControlFile.start(config.controlFile(), Controls::applyFile);
    }
  }

  /** The control file's checked content; returns what changed beyond its entries, for its line. */
  static String applyFile(ControlFile.Settings settings) {
    // request.timeout and log.level: the JVM's settings with the file's over them.
    Config.install(settings.config);
    AgentLog.level(settings.config.logLevel());
    String blocks = RouteControls.get().file(settings.blocked, settings.limits);
    return blocks == null ? "" : "; " + blocks + abandoned(abandonBlocked());
  }

  /** JMX {@code blockRoute}: one line saying what was done, also logged. */
  public static String block(String route) {
    RoutePattern pattern;
    try {
      pattern = RoutePattern.parse(route);
    } catch (IllegalArgumentException e) {
      return refused("blockRoute", e);
    }
    String outcome = RouteControls.get().block(pattern);
    if (outcome.contains("blocks in force")) {
      outcome += abandoned(abandonBlocked());
    }
    AgentLog.info("JMX blockRoute: " + outcome);
    return outcome;
  }

  /** JMX {@code unblockRoute}: one line saying what was done, also logged. */
  public static String unblock(String route) {
    RoutePattern pattern;
    try {
      pattern = RoutePattern.parse(route);
    } catch (IllegalArgumentException e) {
      return refused("unblockRoute", e);
    }
    String outcome = RouteControls.get().unblock(pattern);
    AgentLog.info("JMX unblockRoute: " + outcome);
    return outcome;
  }

  private static String refused(String operation, IllegalArgumentException e) {
    String line = "nothing changed: " + e.getMessage();
    AgentLog.warn("JMX " + operation + ": " + line);
    return line;
  }

  /** Abandons the running requests whose route a block now covers; returns how many. */
  static int abandonBlocked() {
    RouteControls controls = RouteControls.get();
    int abandoned = 0;
    for (RequestContext request : RequestRegistry.snapshot()) {
      if (controls.blocked(request.route())
          && RequestLifecycle.abandon(request, AbandonReason.BLOCKED)) {
        abandoned++;
      }
    }
    return abandoned;
  }

  private static String abandoned(int count) {
    return count == 0
        ? ""
        : "; " + count + (count == 1 ? " running request" : " running requests") + " abandoned";
  }
}
