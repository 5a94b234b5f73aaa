/**
 * What the agent puts into the JVM's platform MBean server, and when: as the server is created, by
 * whoever creates it. Internal to the agent, with no compatibility promised between releases.
 */
package dev.sqlorigin.management;
