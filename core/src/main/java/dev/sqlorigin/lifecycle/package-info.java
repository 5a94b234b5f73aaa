/**
 * The request lifecycle, which every request source calls ({@link
 * dev.sqlorigin.lifecycle.RequestLifecycle}), and what it keeps: the registry of requests, the
 * counters, the watchdog alarm, the observers. Internal to the agent: called by its advice and
 * wiring, with no compatibility promised between releases. The only public API of {@code
 * sqlorigin-core} is {@link dev.sqlorigin.comment.SqlComment#parse} and {@link
 * dev.sqlorigin.comment.OriginComment#read}.
 */
package dev.sqlorigin.lifecycle;
