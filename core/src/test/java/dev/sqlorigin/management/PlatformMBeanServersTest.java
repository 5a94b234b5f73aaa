package dev.sqlorigin.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlatformMBeanServersTest {

  // A server of its own (not kept in the factory's list): the platform one stays untouched.
  private final MBeanServer server = MBeanServerFactory.newMBeanServer();

  @AfterEach
  void nothingPending() {
    PlatformMBeanServers.install(null);
  }

  @Test
  void theRegistrationRunsOnceWhateverTheNumberOfCalls() {
    List<MBeanServer> registeredInto = new ArrayList<>();
    PlatformMBeanServers.install(registeredInto::add);

    PlatformMBeanServers.created(server);
    PlatformMBeanServers.created(server);

    assertEquals(1, registeredInto.size());
    assertSame(server, registeredInto.get(0));
  }

  @Test
  void aFailingRegistrationNeverReachesTheCallerAndIsNotRetried() {
    List<MBeanServer> tried = new ArrayList<>();
    PlatformMBeanServers.install(
        into -> {
          tried.add(into);
          throw new IllegalStateException("refused");
        });

    PlatformMBeanServers.created(server);
    PlatformMBeanServers.created(server);

    assertEquals(1, tried.size());
  }

  @Test
  void nothingInstalledNothingDone() {
    PlatformMBeanServers.created(server);
    List<MBeanServer> registeredInto = new ArrayList<>();
    PlatformMBeanServers.install(registeredInto::add);
    PlatformMBeanServers.created(null);
    assertEquals(List.of(), registeredInto, "no server, nothing registered yet");
    PlatformMBeanServers.created(server);
    assertEquals(List.of(server), registeredInto);
  }
}
