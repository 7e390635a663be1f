package dev.cairn.tsdb.head;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Lets a periodic head snapshot find a WAL position that every commit logged before it has also
 * applied to memory. A commit logs its records and then applies its samples; a snapshot that
 * scanned the series between the two would miss samples the WAL holds before the snapshot's
 * segment, and the replay after the snapshot would not bring them back. Commits hold the shared
 * side from before they log until they have applied (many at once); the snapshot holds the
 * exclusive side only while it starts a new WAL segment, so it waits for the commits in flight and
 * delays new ones by that one rollover, never by the snapshot's writing.
 */
final class CommitGate {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Before a commit logs to the WAL. */
    void enterCommit() {
        lock.readLock().lock();
    }

    /** After the commit applied its samples (or failed). */
    void exitCommit() {
        lock.readLock().unlock();
    }

    /** Waits for the commits in flight, holds new ones off until {@link #open}. */
    void close() {
        lock.writeLock().lock();
    }

    void open() {
        lock.writeLock().unlock();
    }
}
