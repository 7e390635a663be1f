package dev.cairn.tsdb;

import dev.cairn.tsdb.head.AppendResult;
import dev.cairn.tsdb.head.HeadAppender;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.wal.SyncPolicy;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process {@link DbCrashTest} kills: opens the Db, resumes after the newest batch it holds, and
 * appends batches (one sample for each of {@link #SERIES} series at {@code BASE + b * STEP}, value
 * {@code b}), cutting blocks as it goes; prints {@code ack <b>} after each commit returns.
 * Arguments: DIR SYNC_POLICY [HEAD_CHUNK_WRITE_BUFFER [SNAPSHOT_INTERVAL_MS]] (no interval: no head
 * snapshot while appending, only at close).
 */
public final class DbCrashChild {
    static final int SERIES = 50;
    static final long BASE = 1_700_000_000_000L;
    static final long STEP = 15_000L;
    static final long BLOCK_RANGE = 600_000L;
    static final int SEGMENT_SIZE = 64 * 1024;

    private DbCrashChild() {
    }

    static DbOptions options(SyncPolicy policy) {
        DbOptions d = DbOptions.defaults();
        return d.withBlockRange(BLOCK_RANGE).withCompactionInterval(Duration.ZERO).withSnapshotInterval(Duration.ZERO)
                .withWal(d.wal().withSyncPolicy(policy).withSegmentSize(SEGMENT_SIZE));
    }

    static DbOptions options(SyncPolicy policy, int headChunkWriteBuffer) {
        return options(policy).withHeadChunkWriteBuffer(headChunkWriteBuffer);
    }

    static Labels labels(int i) {
        return Labels.of("__name__", "crash_test", "series", Integer.toString(i));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        SyncPolicy policy = SyncPolicy.valueOf(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "US-ASCII");
        Labels[] ls = new Labels[SERIES];
        for (int i = 0; i < SERIES; i++) {
            ls[i] = labels(i);
        }
        DbOptions o = args.length > 2 ? options(policy, Integer.parseInt(args[2])) : options(policy);
        if (args.length > 3) {
            o = o.withSnapshotInterval(Duration.ofMillis(Long.parseLong(args[3])));
        }
        try (Db db = Db.open(dir, o)) {
            long last = db.head().maxTime();
            if (!db.blocks().isEmpty()) {
                last = Math.max(last, db.blocks().get(db.blocks().size() - 1).meta().maxTime() - 1);
            }
            long b = last == Long.MIN_VALUE ? 0 : (last - BASE) / STEP + 1;
            out.print("ready\n");
            out.flush();
            HeadAppender app = db.appender();
            for (long end = b + 1_000_000; b < end; b++) {
                for (int i = 0; i < SERIES; i++) {
                    AppendResult r = app.append(ls[i], BASE + b * STEP, b);
                    if (r != AppendResult.OK) {
                        throw new IllegalStateException("batch " + b + " series " + i + ": " + r);
                    }
                }
                app.commit();
                out.print("ack " + b + "\n");
                out.flush();
                db.compact();
            }
        }
    }
}
