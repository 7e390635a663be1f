package dev.cairn.tsdb.wal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A timed run of {@link Wal#log} throughput, until the benchmarks module exists for a JMH version:
 * {@code java -cp tsdb/target/classes:tsdb/target/test-classes dev.cairn.tsdb.wal.WalThroughput
 * DIR POLICY THREADS RECORD_BYTES SECONDS}. Prints records/s and MB/s of record payload.
 */
public final class WalThroughput {
    private WalThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args[0]), "wal-throughput");
        SyncPolicy policy = SyncPolicy.valueOf(args[1]);
        int threads = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        long nanos = (long) (Double.parseDouble(args[4]) * 1e9);
        AtomicLong records = new AtomicLong();
        long start;
        long elapsed;
        try (Wal wal = Wal.open(dir, WalOptions.defaults().withSyncPolicy(policy))) {
            Thread[] ts = new Thread[threads];
            long deadline = System.nanoTime() + nanos;
            start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                byte[] rec = TestRecords.make(t, size);
                ts[t] = new Thread(() -> {
                    try {
                        long n = 0;
                        while ((n & 15) != 0 || System.nanoTime() < deadline) {
                            wal.log(rec);
                            n++;
                        }
                        records.addAndGet(n);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            elapsed = System.nanoTime() - start;
        }
        double secs = elapsed / 1e9;
        System.out.printf("policy=%s threads=%d record=%dB: %.0f records/s, %.1f MB/s (%d records in %.2f s)%n",
                policy, threads, size, records.get() / secs, records.get() * (double) size / secs / 1e6, records.get(), secs);
        Files.walk(dir).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
}
