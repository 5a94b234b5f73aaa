package dev.sqlorigin.agent.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class DatabaseTest {

  @Test
  void postgresqlUrlGivesSystemNamespaceAddressAndPort() {
    Database database = Database.parse("jdbc:postgresql://db.internal:6432/shop?ssl=true");
    assertEquals("postgresql", database.system);
    assertEquals("shop", database.namespace);
    assertEquals("db.internal", database.address);
    assertEquals(6432, database.port);
  }

  @Test
  void defaultPortAndFirstOfSeveralHosts() {
    Database database = Database.parse("jdbc:postgresql://a,b:5433/shop");
    assertEquals("a", database.address);
    assertEquals(5432, database.port);
  }

  @Test
  void unreadableUrlStillNamesASystem() {
    Database database = Database.parse("jdbc:h2:mem:test");
    assertEquals("h2", database.system);
    assertNull(database.namespace);
    assertEquals("other_sql", Database.parse(null).system);
  }
}
