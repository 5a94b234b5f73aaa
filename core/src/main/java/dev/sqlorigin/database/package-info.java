/**
 * What the agent asks a driver about a running statement (its backend pid, its text) for the lines
 * an operator reads; core cannot see {@code java.sql}, so the JDBC instrumentation installs the
 * readers. Internal to the agent, with no compatibility promised between releases. The only public
 * API of {@code sqlorigin-core} is {@link dev.sqlorigin.comment.SqlComment#parse} and {@link
 * dev.sqlorigin.comment.OriginComment#read}.
 */
package dev.sqlorigin.database;
