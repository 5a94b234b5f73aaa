/**
 * The operator's route blocks and concurrency caps, consulted as a request starts. Internal to the
 * agent: called by its lifecycle, JMX and control file, with no compatibility promised between
 * releases. The only public API of {@code sqlorigin-core} is {@link
 * dev.sqlorigin.comment.SqlComment#parse} and {@link dev.sqlorigin.comment.OriginComment#read}.
 */
package dev.sqlorigin.control;
