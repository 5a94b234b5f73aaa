package dev.sqlorigin.cli.snapshot;

/**
 * A row of {@code pg_locks}.
 *
 * @param target what is locked, as a key that is equal for the same object ({@code
 *     relation/16384/16390}, {@code transactionid/745}, …)
 * @param description what is locked, for a person: {@code relation accounts}, {@code transaction
 *     745}, {@code advisory lock 1:42}
 */
public record LockInfo(int pid, String mode, boolean granted, String target, String description) {}
