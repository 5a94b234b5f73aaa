/**
 * What sqlorigin knows about one request, and which request the current thread works for. State
 * only: no cancelling, no telemetry. Internal to the agent: called by its advice and wiring, with
 * no compatibility promised between releases. The only public API of {@code sqlorigin-core} is
 * {@link dev.sqlorigin.comment.SqlComment#parse} and {@link
 * dev.sqlorigin.comment.OriginComment#read}.
 */
package dev.sqlorigin.context;
