/**
 * Where the class files that class loaders define reach the agent's weaver, from calls woven into
 * {@code java.lang.ClassLoader}. Internal to the agent, with no compatibility promised between
 * releases. The only public API of {@code sqlorigin-core} is {@link
 * dev.sqlorigin.comment.SqlComment#parse} and {@link dev.sqlorigin.comment.OriginComment#read}.
 */
package dev.sqlorigin.classloading;
