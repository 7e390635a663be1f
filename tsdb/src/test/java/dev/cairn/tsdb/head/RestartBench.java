package dev.cairn.tsdb.head;

import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.WalOptions;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Restart-time benchmark: how long a fresh JVM takes until the head in {@code --wal DIR} is open
 * and would take appends ("ready"), measured from the JVM's start, so JVM start-up counts as it
 * does for a real restart. Run it on a WAL written by {@code promtool tsdb bench write} (Cairn
 * replays Prometheus's WAL records), so Cairn and Prometheus 2.42 restart from the same data.
 *
 * <pre>
 * promtool tsdb bench write --out /tmp/pout --metrics 1000000 --scrapes 240 /tmp/1mseries.json
 * # the WAL and the full head chunks Prometheus memory-mapped (Cairn reads its chunks_head format)
 * cp -r /tmp/pout/storage/wal /tmp/pout/storage/chunks_head /tmp/cairn/
 * CP=tsdb/target/test-classes:tsdb/target/classes:$HOME/.m2/repository/com/google/re2j/re2j/1.8/re2j-1.8.jar
 * # after SIGKILL: no snapshot, the whole WAL is replayed; then close writes a snapshot
 * java -Xmx16g -cp $CP dev.cairn.tsdb.head.RestartBench --wal /tmp/cairn/wal --drop-snapshot true
 * # after a clean stop: the snapshot is loaded
 * java -Xmx16g -cp $CP dev.cairn.tsdb.head.RestartBench --wal /tmp/cairn/wal
 * </pre>
 * Prometheus's side: start {@code prometheus --storage.tsdb.path=/tmp/pout/storage} and poll
 * {@code /-/ready}, from the moment of the fork. Both start from a fresh copy each run (each
 * writes to its directory on start); {@code --close false} leaves no snapshot behind. On a shared
 * machine compare the CPU time each process used until ready as well as the wall time.
 * {@code tsdb/src/test/bench/restart-vs-prometheus.py STORAGE_DIR RUNS [--mode crash|crash-snap:N|clean]
 * [JVM options]} does all of this, interleaved, and prints medians of wall and CPU time; its modes
 * are a start after SIGKILL without a snapshot (whole WAL), after SIGKILL N segments after a periodic
 * snapshot ({@code --snapshot-at} prepares it), and after a clean stop.
 */
public final class RestartBench {
    private RestartBench() {
    }

    /**
     * Writes, beside {@code wal} (which must hold the WAL's segments up to {@code segment} only, and
     * beside it no {@code chunks_head} or Prometheus's from the same WAL), the head snapshot a Cairn that had ingested that WAL would have written
     * periodically once segment {@code segment} was complete: the head replayed from it, its full
     * chunks in a new {@code chunks_head/}, the snapshot named for {@code segment}. Put the rest of
     * the WAL beside them, and a start loads the snapshot and replays only the later segments — what
     * a start after SIGKILL does when the kill came that many segments after the last snapshot.
     * With {@code thenWal} (the whole WAL), the head then goes on through its segments after
     * {@code segment}, writing the full chunks it cuts to {@code chunks_head/} as a running Cairn
     * would have before it was killed (no second snapshot).
     */
    static void prepareSnapshot(Path wal, int segment, Path thenWal) throws Exception {
        HeadSnapshot.deleteAll(wal);
        Head h = Head.open(wal, HeadOptions.defaults(), WalOptions.defaults().withSyncPolicy(SyncPolicy.BATCH),
                Long.MIN_VALUE);
        Path p = HeadSnapshot.write(h, wal, segment, (HeadChunkFiles) h.chunks);
        System.out.printf("snapshot %s: %d series, head [%d, %d]", p, h.numSeries(), h.minTime(), h.maxTime());
        if (thenWal != null) {
            WalReplay.Stats st = WalReplay.replay(h, thenWal, segment);
            ((HeadChunkFiles) h.chunks).flush();
            System.out.printf("; then %s, head max time %d", st, h.maxTime());
        }
        System.out.println();
        h.snapshotOnClose(false);
        h.close();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path wal = Path.of(a.get("--wal"));
        if (a.containsKey("--scan-chunks")) {
            // the chunks_head scan alone, a few times (JIT warm-up shows in the first)
            for (int i = 0; i < Integer.parseInt(a.getOrDefault("--times", "3")); i++) {
                long t0 = System.nanoTime();
                HeadChunkFiles.Opened o = HeadChunkFiles.open(Path.of(a.get("--scan-chunks")), 0);
                System.out.printf("scan %d: %d chunks in %d ms%n", i, o.chunks().size(), (System.nanoTime() - t0) / 1_000_000);
                o.files().close();
            }
            System.exit(0);
        }
        if (a.containsKey("--snapshot-at")) {
            prepareSnapshot(wal, Integer.parseInt(a.get("--snapshot-at")),
                    a.containsKey("--then-wal") ? Path.of(a.get("--then-wal")) : null);
            System.exit(0);
        }
        if (Boolean.parseBoolean(a.getOrDefault("--drop-snapshot", "false"))) {
            HeadSnapshot.deleteAll(wal);
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        Head h = Head.open(wal, HeadOptions.defaults(), WalOptions.defaults().withSyncPolicy(SyncPolicy.BATCH),
                Long.MIN_VALUE);
        long openMs = (System.nanoTime() - t0) / 1_000_000;
        long readyMs = System.currentTimeMillis() - jvmStart;
        HeadRestore r = h.restore();
        System.out.printf("ready %d ms after JVM start (Head.open %d ms): %s series, snapshot=%s (%d series, failure %s),"
                        + " WAL records %d, samples %d%n", readyMs, openMs, h.numSeries(),
                r.snapshot(), r.snapshotSeries(), r.snapshotFailure(), r.walRecords(), r.walSamples());
        if (Boolean.parseBoolean(a.getOrDefault("--mem", "false"))) {
            for (int i = 0; i < 4; i++) {
                System.gc();
                Thread.sleep(200);
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long rss = HeadBench.rssBytes();
            System.out.printf("after GC: heap used %.0f MB (%.0f B/series), RSS %.0f MB (%.0f B/series), GC %s%n",
                    heap / 1e6, (double) heap / h.numSeries(), rss / 1e6, (double) rss / h.numSeries(),
                    ManagementFactory.getGarbageCollectorMXBeans().get(0).getName());
        }
        if (Boolean.parseBoolean(a.getOrDefault("--close", "true"))) {
            long c0 = System.nanoTime();
            h.close();
            System.out.printf("close with snapshot: %d ms%n", (System.nanoTime() - c0) / 1_000_000);
        }
        System.exit(0);
    }
}
