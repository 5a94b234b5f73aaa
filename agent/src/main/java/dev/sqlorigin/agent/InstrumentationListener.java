package dev.sqlorigin.agent;

import dev.sqlorigin.log.AgentLog;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Says once per type that it could not be instrumented (the class then loads unchanged), and, at
 * debug level, which types were.
 */
final class InstrumentationListener extends AgentBuilder.Listener.Adapter {

  @Override
  public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader,
      JavaModule module, boolean loaded, DynamicType dynamicType) {
    AgentLog.debug("instrumented " + typeDescription.getName());
  }

  @Override
  public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
      Throwable throwable) {
    AgentLog.warnOnce("instrument:" + typeName, "could not instrument " + typeName
        + "; its statements or requests are not tagged", throwable);
  }
}
