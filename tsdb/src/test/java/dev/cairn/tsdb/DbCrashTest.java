package dev.cairn.tsdb;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.wal.SyncPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SIGKILL while appending and cutting blocks: a child JVM ({@link DbCrashChild}) appends batches with
 * fsync policy ALWAYS or BATCH and prints each acknowledged batch; after each kill the parent opens
 * the directory and checks that every acknowledged batch is there, that every batch is there whole
 * or not at all (a batch is one samples record), and that no sample is stored twice — neither in
 * two blocks nor in a block and the WAL-replayed head.
 */
class DbCrashTest {
    private static final int ROUNDS = 6;
    /** Six rounds of at least this many batches pass the 60 a first block needs (1.5 block ranges of 40). */
    private static final int MIN_ACKS_PER_ROUND = 15;

    private static long countAcks(Path acksFile) throws java.io.IOException {
        return Files.readString(acksFile, StandardCharsets.US_ASCII).lines().filter(l -> l.startsWith("ack ")).count();
    }

    @TempDir
    Path dir;

    @Test
    void append_processKilledRepeatedly_everyAcknowledgedSamplePresentOnce() throws Exception {
        runRounds(-1, false);
    }

    /**
     * As above with every full head chunk written to {@code chunks_head/} as it is cut (no write
     * buffer) and the snapshot of the checking open removed first, so each restart after a kill
     * takes full chunks from disk and skips their WAL samples: exact once-only contents show the
     * skipping neither loses nor repeats a sample.
     */
    @Test
    void append_processKilledRepeatedly_fullChunksFromDisk_everyAcknowledgedSamplePresentOnce() throws Exception {
        long mmapped = runRounds(0, true);
        assertTrue(mmapped > 0, "no restart after a kill took full chunks from chunks_head");
    }

    /**
     * As above with the child writing a head snapshot every few milliseconds while it appends (so
     * kills land before, during and after snapshot writes, and between a snapshot and the next
     * block cut) and the checking open not writing one at close: each check and each next child
     * start from the child's last periodic snapshot plus the WAL after it. Goes on (bounded) until
     * a check loaded a periodic snapshot and a kill cut a snapshot write short.
     */
    @Test
    void append_processKilledRepeatedly_periodicSnapshots_everyAcknowledgedSamplePresentOnce() throws Exception {
        snapshotMillis = 5;
        runRounds(0, false);
        System.out.println("DbCrashTest periodic snapshots: " + fromSnapshot + " checks from a snapshot, "
                + tornSnapshots + " kills during a snapshot write");
        assertTrue(fromSnapshot > 0, "no check after a kill started from a periodic snapshot");
        assertTrue(tornSnapshots > 0, "no kill landed during a snapshot write");
    }

    /** Snapshot interval of the child, ms; -1: snapshots only at close (and at the checking open's close). */
    private long snapshotMillis = -1;
    private int fromSnapshot;
    private int tornSnapshots;

    /** @return full chunks the checking opens took from {@code chunks_head/} */
    private long runRounds(int chunkBuffer, boolean dropSnapshots) throws Exception {
        Random rnd = new Random(Long.getLong("cairn.test.seed", System.nanoTime()));
        long mmapped = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
        // on a loaded machine a child may get through few batches: go on (bounded) until the paths
        // under test were taken
        long hardDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long maxAcked = -1;
        long maxStored = -1; // an unacknowledged batch may be stored too: the child resumes after it
        int rounds = 0;
        int blocks = 0;
        for (int round = 0; (round < ROUNDS && System.nanoTime() < deadline)
                || ((blocks == 0 || (chunkBuffer >= 0 && mmapped == 0)
                        || (snapshotMillis >= 0 && (fromSnapshot == 0 || tornSnapshots == 0)))
                    && System.nanoTime() < hardDeadline); round++) {
            SyncPolicy policy = round % 2 == 0 ? SyncPolicy.ALWAYS : SyncPolicy.BATCH;
            List<Long> acked = runAndKill(policy, 300 + rnd.nextInt(1200), chunkBuffer);
            assertTrue(!acked.isEmpty(), "round " + round + " (" + policy + "): the child acknowledged nothing");
            long expect = maxStored + 1;
            for (long b : acked) {
                assertEquals(expect, b, "round " + round + ": the child resumed at the wrong place, so a batch was"
                        + " lost or repeated");
                expect = b + 1;
                maxAcked = b;
            }
            try (var files = Files.list(dir)) {
                if (files.anyMatch(p -> p.getFileName().toString().matches("head_snapshot\\.\\d+\\.tmp"))) {
                    tornSnapshots++; // the open below must ignore it
                }
            }
            if (dropSnapshots) {
                try (var files = Files.list(dir)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        if (p.getFileName().toString().startsWith("head_snapshot.")) {
                            Files.delete(p);
                        }
                    }
                }
            }
            long[] r = check(round, maxAcked, chunkBuffer);
            blocks = (int) r[0];
            maxStored = r[1];
            mmapped += r[2];
            rounds++;
        }
        assertTrue(rounds >= 3, "only " + rounds + " rounds ran within the time budget");
        assertTrue(blocks >= 1, "no block was cut, so the crash-during-compaction path went untested");
        System.out.println("DbCrashTest: " + rounds + " kills, " + (maxAcked + 1) + " batches acknowledged, "
                + blocks + " blocks, " + mmapped + " full chunks from chunks_head");
        return mmapped;
    }

    /** Opens the Db as the next child would and checks it; returns the number of blocks and the newest batch stored. */
    private long[] check(int round, long maxAcked, int chunkBuffer) throws Exception {
        DbOptions o = chunkBuffer < 0 ? DbCrashChild.options(SyncPolicy.NONE)
                : DbCrashChild.options(SyncPolicy.NONE, chunkBuffer);
        try (Db db = Db.open(dir, o)) {
            if (snapshotMillis >= 0) {
                // the next child starts from the killed one's snapshot too
                db.head().snapshotOnClose(false);
                if (db.head().restore().fromSnapshot()) {
                    fromSnapshot++;
                }
                assertEquals(null, db.head().restore().snapshotFailure(), "round " + round
                        + ": the periodic snapshot left by the kill was not usable");
            }
            // each stored sample, counted over the blocks and the head separately
            Map<Long, Integer> perBatch = new HashMap<>();
            List<Querier> parts = new ArrayList<>();
            for (Block b : db.blocks()) {
                parts.add(b.querier(Long.MIN_VALUE, Long.MAX_VALUE));
            }
            parts.add(db.head().querier(Long.MIN_VALUE, Long.MAX_VALUE));
            for (Querier q : parts) {
                SeriesSet set = q.select(List.of(Matcher.equal("__name__", "crash_test")));
                while (set.next()) {
                    ChunkIterator it = set.at().iterator(null);
                    while (it.next()) {
                        long b = (it.atT() - DbCrashChild.BASE) / DbCrashChild.STEP;
                        if (it.atV() != b) {
                            fail("round " + round + ": " + set.at().labels() + " @" + it.atT() + " holds " + it.atV());
                        }
                        perBatch.merge(b, 1, Integer::sum);
                    }
                }
                q.close();
            }
            for (long b = 0; b <= maxAcked; b++) {
                Integer n = perBatch.get(b);
                assertTrue(n != null, "round " + round + ": acknowledged batch " + b + " is missing");
            }
            TreeSet<Long> present = new TreeSet<>(perBatch.keySet());
            for (long b : present) {
                assertEquals(DbCrashChild.SERIES, perBatch.get(b), "round " + round + ": batch " + b
                        + " is stored " + perBatch.get(b) + " times over " + DbCrashChild.SERIES
                        + " series (partial or duplicated)");
            }
            // batches beyond the last acknowledged one may exist (written, kill before the ack): at most one
            assertTrue(present.last() <= maxAcked + 1, "round " + round + ": batch " + present.last()
                    + " stored, but the last acknowledged was " + maxAcked);
            return new long[]{db.blocks().size(), present.last(), db.head().restore().mmappedChunks()};
        }
    }

    private List<Long> runAndKill(SyncPolicy policy, int millis, int chunkBuffer) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path acksFile = Files.createTempFile(dir.getParent(), "db-acks", ".txt");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                DbCrashChild.class.getName(), dir.toString(), policy.name(), Integer.toString(chunkBuffer < 0
                        ? DbOptions.defaults().headChunkWriteBuffer() : chunkBuffer)));
        if (snapshotMillis >= 0) {
            cmd.add(Long.toString(snapshotMillis));
        }
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(acksFile.toFile()).start();
        try {
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(acksFile, StandardCharsets.US_ASCII).startsWith("ready")) {
                assertTrue(p.isAlive(), "child exited before it was ready");
                assertTrue(System.nanoTime() < readyBy, "child not ready after 20 s");
                Thread.sleep(10);
            }
            Thread.sleep(millis);
            // a loaded machine may starve the child: let it acknowledge a few batches (bounded) so
            // each round moves the data on and blocks do get cut
            long progressBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (countAcks(acksFile) < MIN_ACKS_PER_ROUND && System.nanoTime() < progressBy && p.isAlive()) {
                Thread.sleep(20);
            }
            assertTrue(p.isAlive(), "child died on its own: exit " + (p.isAlive() ? "" : p.exitValue()));
            p.destroyForcibly(); // SIGKILL on Linux
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "child survived SIGKILL");
        } finally {
            p.destroyForcibly();
        }
        List<Long> acks = new ArrayList<>();
        for (String line : Files.readAllLines(acksFile, StandardCharsets.US_ASCII)) {
            if (line.startsWith("ack ") && line.length() > 4) {
                try {
                    acks.add(Long.parseLong(line.substring(4)));
                } catch (NumberFormatException cutOffByTheKill) {
                    // the last line may be incomplete: not a full acknowledgement
                }
            }
        }
        Files.delete(acksFile);
        return acks;
    }
}
