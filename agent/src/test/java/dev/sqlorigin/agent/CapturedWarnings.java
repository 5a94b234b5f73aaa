package dev.sqlorigin.agent;

import dev.sqlorigin.log.AgentLog;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The agent's warnings while it is open, in place of its log; closing puts the log back. */
final class CapturedWarnings implements AgentLog.Sink, AutoCloseable {

  final List<String> warnings = new CopyOnWriteArrayList<>();

  private CapturedWarnings() {}

  static CapturedWarnings install() {
    CapturedWarnings captured = new CapturedWarnings();
    AgentLog.install(captured);
    return captured;
  }

  @Override
  public void info(String message) {}

  @Override
  public void warn(String message, Throwable cause) {
    warnings.add(message);
  }

  @Override
  public void debug(String message) {}

  @Override
  public void close() {
    AgentLog.install(null);
  }
}
