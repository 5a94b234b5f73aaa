/**
 * The SQL comment: rendering it, inserting it first, and reading it back. {@link
 * dev.sqlorigin.comment.SqlComment#parse} and {@link dev.sqlorigin.comment.OriginComment#read} are
 * public API (a program that reads {@code pg_stat_activity} may use them; the console does); the
 * rest of the package is internal to the agent.
 */
package dev.sqlorigin.comment;
