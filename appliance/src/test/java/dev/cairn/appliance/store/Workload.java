package dev.cairn.appliance.store;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.ship.Upload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Node-exporter-like test data, deterministic: per instance a few counters (requests by code, CPU
 * seconds; one instance's counters restart once, as after a process restart) and gauges (load,
 * memory), scraped every 15 s. Written as blocks with {@link BlockWriter} and shipped with {@link Upload}.
 */
final class Workload {
    static final long SCRAPE_MS = 15_000;
    /** A 2h-aligned start, as receive cuts blocks. */
    static final long T0 = 1_700_000_000_000L / 7_200_000L * 7_200_000L;

    private final int instances;
    private final long start;
    private final long end;
    private final List<Labels> series = new ArrayList<>();
    private final List<long[]> times = new ArrayList<>();
    private final List<double[]> values = new ArrayList<>();

    /** Samples of {@code instances} instances over [start, end). */
    Workload(int instances, long start, long end) {
        this.instances = instances;
        this.start = start;
        this.end = end;
        generate();
    }

    private void generate() {
        List<Labels> ls = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            String inst = "vm-" + i + ":9100";
            for (String code : new String[] {"200", "404", "500"}) {
                ls.add(Labels.of("__name__", "http_requests_total", "job", "node", "instance", inst, "code", code));
            }
            for (String mode : new String[] {"idle", "user", "system"}) {
                ls.add(Labels.of("__name__", "node_cpu_seconds_total", "job", "node", "instance", inst, "mode", mode));
            }
            ls.add(Labels.of("__name__", "node_load1", "job", "node", "instance", inst));
            ls.add(Labels.of("__name__", "node_memory_MemAvailable_bytes", "job", "node", "instance", inst));
        }
        ls.sort(Utf8Order.LABELS);
        int n = (int) ((end - start) / SCRAPE_MS);
        for (Labels l : ls) {
            Random r = new Random(l.hash());
            long[] ts = new long[n];
            double[] vs = new double[n];
            boolean counter = l.get("__name__").endsWith("_total");
            boolean restarts = l.get("instance").equals("vm-0:9100");
            double rate = 1 + r.nextInt(20);
            double v = counter ? r.nextInt(1000) : 0;
            for (int k = 0; k < n; k++) {
                long t = start + k * SCRAPE_MS + r.nextInt(200); // scrape jitter
                ts[k] = t;
                if (counter) {
                    if (restarts && k == n / 3) {
                        v = 0;
                    }
                    v += Math.floor(rate * (0.5 + r.nextDouble()) * 15);
                } else if (l.get("__name__").equals("node_load1")) {
                    v = Math.round((2 + Math.sin(t / 3_600_000.0) + r.nextDouble()) * 100) / 100.0;
                } else {
                    v = 8e9 + Math.round(Math.sin(t / 7_200_000.0) * 1e9) + r.nextInt(1_000_000);
                }
                vs[k] = v;
            }
            series.add(l);
            times.add(ts);
            values.add(vs);
        }
    }

    List<Labels> series() {
        return series;
    }

    /**
     * Writes the samples in [mint, maxt) as one block under {@code parent} with Thanos labels
     * {@code external}; returns its directory.
     */
    Path writeBlock(Path parent, long mint, long maxt, Map<String, String> external) throws IOException {
        try (BlockWriter w = BlockWriter.create(parent, BlockWriter.Options.defaults().withRange(mint, maxt)
                .withThanos(new ThanosMeta(external, 0, ThanosMeta.SOURCE_RECEIVE)))) {
            for (int i = 0; i < series.size(); i++) {
                long[] ts = times.get(i);
                int from = 0;
                while (from < ts.length && ts[from] < mint) {
                    from++;
                }
                int to = from;
                while (to < ts.length && ts[to] < maxt) {
                    to++;
                }
                if (to > from) {
                    w.addSeries(series.get(i), new ArrayIterator(ts, values.get(i), from, to));
                }
            }
            BlockMeta m = w.commit();
            return parent.resolve(m.ulid().toString());
        }
    }

    /** Writes 2h blocks over the whole range and uploads them; returns their directories. */
    List<Path> ship2hBlocks(Path parent, Bucket bucket, Map<String, String> external) throws IOException {
        List<Path> out = new ArrayList<>();
        for (long t = start; t < end; t += 7_200_000L) {
            Path dir = writeBlock(parent, t, Math.min(end, t + 7_200_000L), external);
            Upload.upload(bucket, dir, Upload.Options.of(external, ThanosMeta.SOURCE_RECEIVE));
            out.add(dir);
        }
        return out;
    }

    /** Samples of arrays [from, to). */
    static final class ArrayIterator implements ChunkIterator {
        private final long[] ts;
        private final double[] vs;
        private final int from;
        private final int to;
        private int i;

        ArrayIterator(long[] ts, double[] vs, int from, int to) {
            this.ts = ts;
            this.vs = vs;
            this.from = from;
            this.i = from - 1;
            this.to = to;
        }

        @Override
        public boolean next() {
            return ++i < to;
        }

        @Override
        public boolean seek(long t) {
            if (i < from) {
                i = from;
            }
            while (i < to && ts[i] < t) {
                i++;
            }
            return i < to;
        }

        @Override
        public long atT() {
            return ts[i];
        }

        @Override
        public double atV() {
            return vs[i];
        }
    }
}
