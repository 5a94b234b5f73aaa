/**
 * The SQL comment: rendering it, inserting it first, and reading it back. {@link
 * dev.sqlorigin.comment.SqlComment#parse} is public API (a program that reads {@code
 * pg_stat_activity} may use it); the rest of the package is internal to the agent.
 */
package dev.sqlorigin.comment;
