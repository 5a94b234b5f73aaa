package dev.sqlorigin.lifecycle;

/**
 * What kind of work a request is: observers (telemetry) describe each kind in its own terms, and
 * the request timeout applies to requests, not to jobs. A new kind of source may need one more.
 */
public enum RequestKind {
  /** An HTTP request (servlet, and the HTTP servers to come). */
  HTTP,
  /** A remote procedure call (a gRPC call), named by its full method name. */
  RPC,
  /** A unit of work the application named ({@code SqlOrigin.run("job:import", ...)}). */
  JOB
}
