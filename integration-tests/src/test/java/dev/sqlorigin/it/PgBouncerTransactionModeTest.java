package dev.sqlorigin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sqlorigin.it.support.PgBouncer;
import dev.sqlorigin.it.support.WrongQueryStress;
import org.junit.jupiter.api.Test;

/**
 * PgBouncer in transaction mode, as it is most often run: the application's two connections share
 * one server connection, so a statement of one request and a cancel meant for another's meet on the
 * same backend.
 */
class PgBouncerTransactionModeTest extends PgBouncerContract {

  // PgBouncer 1.18 starts each transaction of a pgjdbc client with a SET of its own (DateStyle:
  // pgjdbc asks for ISO, the server reports "ISO, MDY"; application_name when clients differ). A
  // cancel that lands during it cancels that SET, and PgBouncer then closes the client's connection
  // with this error: only ever the abandoned request's, whose cancel it was.
  private static final String POOLER_DROP = "08P01|FATAL: invalid server parameter|";

  @Override
  PgBouncer.Mode mode() {
    return PgBouncer.Mode.TRANSACTION;
  }

  @Override
  int serverConnections() {
    return 1;
  }

  @Override
  int applicationConnections() {
    return 2;
  }

  @Override
  String jdbcParameters() {
    // Server-side prepared statements do not survive a change of server connection (PgBouncer
    // before 1.21 does not track them).
    return "prepareThreshold=0";
  }

  @Test
  void abandonmentAtRandomMomentsNeverFailsAnotherRequestsStatementOnTheSharedConnection()
      throws Exception {
    WrongQueryStress.Result result = WrongQueryStress.run(app(), 600, POOLER_DROP);
    // One server process (the stress checks it) behind the application's two connections.
    assertEquals(applicationConnections(), result.applicationConnections(), result.toString());
  }
}
