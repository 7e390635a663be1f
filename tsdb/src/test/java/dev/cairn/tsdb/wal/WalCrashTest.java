package dev.cairn.tsdb.wal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill -9 while logging: a child JVM ({@link WalCrashChild}) appends and prints what {@link Wal#log}
 * acknowledged; after each SIGKILL every acknowledged record must be in the WAL exactly once, and
 * each writer thread's records in the order it logged them. Rounds cycle through ALWAYS with one
 * thread, BATCH with four, and NONE with one.
 */
class WalCrashTest {
    private static final int ROUNDS = 8;
    /**
     * NONE promises survival of a process crash too; in NONE rounds the child writes through a slow
     * disk (4 KiB pieces with pauses), so kills land inside a record's bytes and the repair path is used.
     */
    private static final SyncPolicy[] POLICIES = {SyncPolicy.ALWAYS, SyncPolicy.BATCH, SyncPolicy.NONE};

    @TempDir
    Path dir;

    @Test
    void log_processKilledRepeatedly_everyAcknowledgedRecordSurvivesExactlyOnceInOrder() throws Exception {
        Random rnd = new Random(Long.getLong("cairn.test.seed", System.nanoTime()));
        Set<Long> acked = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(55);
        int torn = 0;
        for (int round = 0; round < ROUNDS && System.nanoTime() < deadline; round++) {
            SyncPolicy policy = POLICIES[round % POLICIES.length];
            List<Long> ackedThisRound = policy == SyncPolicy.NONE
                    ? runAndKill(policy, 1, 50 + rnd.nextInt(400))
                    : runAndKill(policy, policy == SyncPolicy.BATCH ? 4 : 1, 200 + rnd.nextInt(800));
            assertTrue(!ackedThisRound.isEmpty(), "round " + round + ": the child acknowledged nothing");
            acked.addAll(ackedThisRound);

            Map<Long, Integer> seen = new HashMap<>();
            Map<Integer, Long> lastPerThread = new HashMap<>();
            try (SegmentReader r = SegmentReader.open(dir)) {
                while (r.next()) {
                    byte[] rec = r.recordBytes();
                    long n = TestRecords.check(rec);
                    assertEquals(null, seen.put(n, 1), "round " + round + ": record " + n + " twice");
                    int t = WalCrashChild.thread(rec);
                    Long prev = lastPerThread.put(t, n);
                    assertTrue(prev == null || prev < n, "round " + round + ": thread " + t + " logged " + prev
                            + " before " + n + " but they are read the other way round");
                }
                if (r.tornTail() != null) {
                    torn++;
                }
            }
            for (long n : acked) {
                assertTrue(seen.containsKey(n), "round " + round + ": acknowledged record " + n + " is missing");
            }
        }
        System.out.println("WalCrashTest: " + acked.size() + " acknowledged records survived " + ROUNDS
                + " kills; torn tails seen after " + torn + " of them");
    }

    /** Starts the child, lets it log for {@code millis} after it is ready, kills it, returns its acks. */
    private List<Long> runAndKill(SyncPolicy policy, int threads, int millis) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // stdout goes to a file, not a pipe: what the child wrote before the kill is then certainly readable.
        Path acksFile = Files.createTempFile(dir.getParent(), "acks", ".txt");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                WalCrashChild.class.getName(), dir.toString(), policy.name(), Integer.toString(threads))
                .redirectError(ProcessBuilder.Redirect.INHERIT).redirectOutput(acksFile.toFile()).start();
        try {
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(acksFile, StandardCharsets.US_ASCII).startsWith("ready")) {
                assertTrue(p.isAlive(), "child exited with " + (p.isAlive() ? "?" : p.exitValue()) + " before it was ready");
                assertTrue(System.nanoTime() < readyBy, "child not ready after 20 s");
                Thread.sleep(10);
            }
            Thread.sleep(millis);
            assertTrue(p.isAlive(), "child died on its own: exit " + (p.isAlive() ? "" : p.exitValue()));
            p.destroyForcibly(); // SIGKILL
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
                    // the last line may be incomplete; it was not a full acknowledgement
                }
            }
        }
        Files.delete(acksFile);
        return acks;
    }
}
