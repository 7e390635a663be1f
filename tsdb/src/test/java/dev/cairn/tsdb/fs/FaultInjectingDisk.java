package dev.cairn.tsdb.fs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Disk} over the local one that fails on command, as a full or dying disk does: appends
 * after a byte budget write only the part that fits and then throw "No space left on device";
 * fsyncs throw once armed, or take a set time; appends can be made to trickle in 4 KiB pieces.
 * {@link #fill()} and {@link #freeSpace()} switch a full file system on and off, for code that must
 * resume by itself once space is back. Counts fsyncs. Thread-safe.
 */
public final class FaultInjectingDisk implements Disk {
    private final Disk real = Disk.local();
    private final AtomicLong appendBudget = new AtomicLong(Long.MAX_VALUE);
    private final AtomicBoolean failFsync = new AtomicBoolean();
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong fsyncs = new AtomicLong();
    private final AtomicLong syncedBytes = new AtomicLong();
    private volatile long fsyncDelayNanos;
    private volatile java.util.concurrent.CountDownLatch fsyncGate;
    private final java.util.Set<Path> fsynced = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile long pieceDelayNanos;
    private volatile boolean full;

    /** From now on, only {@code bytes} more bytes can be appended (across all files). */
    public void failAppendsAfter(long bytes) {
        appendBudget.set(bytes);
    }

    /** Every fsync from now on throws. */
    public void failFsyncs() {
        failFsync.set(true);
    }

    /**
     * The file system is full from now on: each append writes a torn prefix of at most 100 bytes
     * and throws "No space left on device", fsyncs throw, until {@link #freeSpace()}.
     */
    public void fill() {
        full = true;
    }

    /** Space is back: appends and fsyncs work again (an earlier byte budget is lifted too). */
    public void freeSpace() {
        full = false;
        appendBudget.set(Long.MAX_VALUE);
        failFsync.set(false);
    }

    /** File fsyncs wait until {@link #openFsyncs} (as a disk that takes forever to flush). */
    public void holdFsyncs() {
        fsyncGate = new java.util.concurrent.CountDownLatch(1);
    }

    public void openFsyncs() {
        java.util.concurrent.CountDownLatch g = fsyncGate;
        fsyncGate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** The files fsynced successfully at least once. */
    public java.util.Set<Path> fsyncedFiles() {
        return java.util.Set.copyOf(fsynced);
    }

    /** Every fsync takes at least this long, as on a slow disk. */
    public void slowFsyncs(long nanos) {
        fsyncDelayNanos = nanos;
    }

    /**
     * Appends write 4 KiB at a time with this pause between pieces, as a slow device or a kernel
     * doing short writes would, so that a kill often lands inside one record's bytes.
     */
    public void slowAppends(long nanosPerPiece) {
        pieceDelayNanos = nanosPerPiece;
    }

    public long bytesAppended() {
        return appended.get();
    }

    /** Successful file fsyncs so far. */
    public long fsyncCount() {
        return fsyncs.get();
    }

    /** The bytes appended (to any file) before the start of the latest successful fsync. */
    public long bytesSyncedAtLeast() {
        return syncedBytes.get();
    }

    @Override
    public AppendFile openAppend(Path file) throws IOException {
        AppendFile f = real.openAppend(file);
        return new AppendFile() {
            @Override
            public void append(byte[] b, int off, int len) throws IOException {
                if (full) {
                    int torn = Math.min(len, 100);
                    f.append(b, off, torn);
                    appended.addAndGet(torn);
                    throw new IOException("No space left on device (injected) writing " + file);
                }
                long budget = appendBudget.getAndAccumulate(len, (have, want) -> Math.max(0, have - want));
                if (budget < len) {
                    int part = (int) budget;
                    if (part > 0) {
                        f.append(b, off, part); // a torn write: the prefix that fit
                        appended.addAndGet(part);
                    }
                    throw new IOException("No space left on device (injected) writing " + file);
                }
                long pause = pieceDelayNanos;
                if (pause <= 0) {
                    f.append(b, off, len);
                } else {
                    for (int done = 0; done < len; done += 4096) {
                        f.append(b, off + done, Math.min(4096, len - done));
                        java.util.concurrent.locks.LockSupport.parkNanos(pause);
                    }
                }
                appended.addAndGet(len);
            }

            @Override
            public void fsync() throws IOException {
                if (full) {
                    throw new IOException("No space left on device (injected) syncing " + file);
                }
                if (failFsync.get()) {
                    throw new IOException("Input/output error (injected) syncing " + file);
                }
                long covered = appended.get();
                java.util.concurrent.CountDownLatch gate = fsyncGate;
                if (gate != null) {
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("fsync of " + file + " interrupted");
                    }
                }
                long delay = fsyncDelayNanos;
                if (delay > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(delay);
                }
                f.fsync();
                fsynced.add(file);
                fsyncs.incrementAndGet();
                syncedBytes.accumulateAndGet(covered, Math::max);
            }

            @Override
            public void truncate(long size) throws IOException {
                f.truncate(size);
            }

            @Override
            public long size() throws IOException {
                return f.size();
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        real.createDirectories(dir);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        real.rename(from, to);
    }

    @Override
    public void delete(Path path) throws IOException {
        real.delete(path);
    }

    @Override
    public void syncDir(Path dir) throws IOException {
        if (failFsync.get()) {
            throw new IOException("Input/output error (injected) syncing directory " + dir);
        }
        real.syncDir(dir);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        return real.list(dir);
    }
}
