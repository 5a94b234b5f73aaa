package dev.sqlorigin.it;

import dev.sqlorigin.it.support.PgBouncer;

/** PgBouncer in session mode: each client keeps its server connection while it is connected. */
class PgBouncerSessionModeTest extends PgBouncerContract {

  @Override
  PgBouncer.Mode mode() {
    return PgBouncer.Mode.SESSION;
  }

  @Override
  int serverConnections() {
    return 4;
  }

  @Override
  int applicationConnections() {
    return 2;
  }

  @Override
  String jdbcParameters() {
    return "";
  }
}
