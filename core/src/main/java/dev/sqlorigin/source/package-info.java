/**
 * What request sources share that their advice cannot hold (advice is inlined into foreign
 * classes): the servlet async listener, the event-loop servers' request binding and close listener
 * (Quarkus, Micronaut), gRPC calls' cancellation and version check. Internal to the agent: called
 * by its advice and wiring, with no compatibility promised between releases. The only public API of
 * {@code sqlorigin-core} is {@link dev.sqlorigin.comment.SqlComment#parse} and {@link
 * dev.sqlorigin.comment.OriginComment#read}.
 */
package dev.sqlorigin.source;
