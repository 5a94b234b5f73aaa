/**
 * Low-cardinality route templates from what a request source reports. Internal to the agent: called
 * by its advice and wiring, with no compatibility promised between releases. The only public API of
 * {@code sqlorigin-core} is {@link dev.sqlorigin.comment.SqlComment#parse} and {@link
 * dev.sqlorigin.comment.OriginComment#read}.
 */
package dev.sqlorigin.route;
