package dev.sqlorigin.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlorigin.instrumentation.TypeInstrumentation;
import java.util.List;
import org.junit.jupiter.api.Test;

class WantedNamesTest {

  @Test
  void theNamesTheBuildWroteAreWhatTheInstrumentationListWants() {
    WantedNames inJar = WantedNames.fromJar();
    assertNotNull(inJar, "the build writes " + WantedNames.RESOURCE + " beside WantedNames");
    assertEquals(WantedNames.of(Instrumentations.ALL).text(), inJar.text());
  }

  @Test
  void namesAreReadBackAsWritten() {
    WantedNames written = WantedNames.of(Instrumentations.ALL);
    WantedNames read = WantedNames.parse(written.text());
    assertEquals(written.exactNames, read.exactNames);
    assertEquals(written.superTypes, read.superTypes);
    assertEquals(written.methodNames.names(), read.methodNames.names());
    assertTrue(read.superTypes.contains("java/sql/Statement"), read.superTypes.toString());
  }

  @Test
  void anInstrumentationBySuperTypeWithoutMethodNamesWantsAnyMethod() {
    TypeInstrumentation anyMethod =
        TypeInstrumentation.subtypesOf(WantedNamesTest.class, "java.sql.Driver");
    WantedNames wanted = WantedNames.of(List.of(anyMethod));
    assertNull(wanted.methodNames);
    assertNull(WantedNames.parse(wanted.text()).methodNames);
  }

  @Test
  void aLineOfNoKnownKindIsRefusedWithTheLine() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> WantedNames.parse("sub java/sql/X\n"));
    assertTrue(refused.getMessage().contains("sub java/sql/X"), refused.getMessage());
  }
}
