package dev.sqlorigin.agent;

import dev.sqlorigin.log.AgentLog;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleLogger;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * Routes {@link AgentLog} to the agent's own (relocated) SLF4J simple logger on standard error. The
 * property names below are relocated with SLF4J, so they never configure the application's SLF4J,
 * and the application's settings never reach ours.
 */
final class AgentLogging {

  private AgentLogging() {}

  static void install(String level) {
    // AgentLog filters by level (the control file may change it while the JVM runs): the logger
    // lets everything through.
    System.setProperty(SimpleLogger.DEFAULT_LOG_LEVEL_KEY, "debug");
    AgentLog.level(level);
    System.setProperty(SimpleLogger.LOG_FILE_KEY, "System.err");
    System.setProperty(SimpleLogger.SHOW_THREAD_NAME_KEY, "false");
    System.setProperty(SimpleLogger.SHOW_DATE_TIME_KEY, "true");
    System.setProperty(SimpleLogger.DATE_TIME_FORMAT_KEY, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    // The provider directly, not LoggerFactory: that one looks for providers with a ServiceLoader
    // across the application's whole class path, tens of milliseconds of start-up.
    SimpleServiceProvider provider = new SimpleServiceProvider();
    provider.initialize();
    Logger logger = provider.getLoggerFactory().getLogger("sqlorigin");
    AgentLog.install(
        new AgentLog.Sink() {
          @Override
          public void info(String message) {
            logger.info(message);
          }

          @Override
          public void warn(String message, Throwable cause) {
            logger.warn(message, cause);
          }

          @Override
          public void debug(String message) {
            logger.debug(message);
          }
        });
  }
}
