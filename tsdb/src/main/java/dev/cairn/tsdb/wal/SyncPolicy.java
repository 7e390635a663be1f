package dev.cairn.tsdb.wal;

/**
 * When {@link Wal#log} makes records durable (fsync), and so what a returned call promises.
 * Whatever the policy, a segment is fsynced when the WAL rolls over to the next one and on
 * {@link Wal#close()}, and a failed write or fsync fails the WAL for good (see {@link Wal}).
 */
public enum SyncPolicy {
    /**
     * Every call fsyncs before it returns, on its own. When {@code log} returns, its records
     * survive a crash of the process and of the machine (power loss), given a disk that honours
     * fsync. Slowest: one fsync per call, calls run one at a time.
     */
    ALWAYS,
    /**
     * Group commit: a call returns only after an fsync that started after its records were
     * written; concurrent callers share that fsync. The same promise as {@link #ALWAYS} (durable
     * against power loss when {@code log} returns), at a fraction of the fsyncs under concurrency.
     */
    BATCH,
    /**
     * A background thread fsyncs every {@link WalOptions#syncInterval()}. When {@code log} returns,
     * its records are in the operating system's page cache: they survive a crash of the process
     * (kill -9), but a power loss or kernel crash may lose up to one interval of records (never
     * records before an fsync that completed, and never anything but a suffix).
     */
    INTERVAL,
    /**
     * No fsync except at segment rollover and close. When {@code log} returns, its records survive a
     * crash of the process only; a power loss may lose everything in the open segment, and in the
     * one before it while that segment's fsync, started at the rollover, runs in the background (as
     * Prometheus does it; damage there stops the next start, as a damaged WAL does).
     */
    NONE
}
