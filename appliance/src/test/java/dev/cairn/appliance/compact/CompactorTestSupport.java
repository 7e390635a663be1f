package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.bucket.ObjectAttributes;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.ship.Download;
import dev.cairn.tsdb.ship.MetaFetcher;
import dev.cairn.tsdb.ship.Upload;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;
import dev.cairn.tsdb.testing.Samples;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Blocks in buckets, the samples a bucket holds, a settable clock. */
final class CompactorTestSupport {
    static final long H = Duration.ofHours(1).toMillis();
    /** A start aligned to every compaction range (a multiple of 14 days). */
    static final long T0 = 1400L * 24 * H;
    static final String[] METRICS = {"http_requests_total", "node_load1", "up"}; // label order, as BlockWriter wants

    private CompactorTestSupport() {
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** Series → (timestamp → value), what the bucket should hold per external label set. */
    static final class Expected {
        final Map<String, TreeMap<Long, Double>> series = new TreeMap<>();

        void add(Labels l, long t, double v) {
            series.computeIfAbsent(l.toString(), k -> new TreeMap<>()).put(t, v);
        }
    }

    /**
     * Writes a block over [mint, maxt) with a sample every {@code stepMs} for each metric, uploads it with
     * {@code external} labels, and records its samples in {@code expected}. Values depend on the
     * timestamp and the metric, so overlapping blocks agree where they share timestamps.
     */
    static BlockMeta uploadBlock(Bucket bucket, Path tmp, Map<String, String> external, long mint, long maxt, long stepMs,
                                 Expected expected) throws IOException {
        Path local = Files.createTempDirectory(tmp, "local");
        Ulid id = Ulid.generate();
        try (BlockWriter w = BlockWriter.create(local, BlockWriter.Options.defaults().withUlid(id).withRange(mint, maxt))) {
            for (String metric : METRICS) {
                Labels l = Labels.of("__name__", metric, "instance", "vm-1:9100");
                Samples s = new Samples(l);
                for (long t = mint; t < maxt; t += stepMs) {
                    double v = (t / 1000) % 977 + metric.length();
                    s.add(t, v);
                    expected.add(l, t, v);
                }
                w.addSeries(l, s.iterator(null));
            }
            w.commit();
        }
        return Upload.upload(bucket, local.resolve(id.toString()), Upload.Options.of(external, "sidecar"));
    }

    /** Blocks of the bucket without a deletion mark, by ULID. */
    static List<BlockMeta> liveBlocks(Bucket bucket) throws IOException {
        List<BlockMeta> out = new ArrayList<>();
        for (BlockMeta m : new MetaFetcher(bucket, 2).fetch().metas().values()) {
            if (!bucket.exists(m.ulid() + "/deletion-mark.json")) {
                out.add(m);
            }
        }
        return out;
    }

    /** The live blocks of {@code bucket} with these external labels and resolution 0, read back sample by sample. */
    static Expected readBack(Bucket bucket, Path tmp, Map<String, String> external) throws IOException {
        Expected got = new Expected();
        Path dir = Files.createTempDirectory(tmp, "readback");
        for (BlockMeta m : liveBlocks(bucket)) {
            if (!m.thanos().labels().equals(external) || m.thanos().downsampleResolution() != 0) {
                continue;
            }
            Download.download(bucket, m.ulid(), dir);
            try (Block b = Block.open(dir.resolve(m.ulid().toString())); Querier q = b.querier()) {
                SeriesSet set = q.select(List.of(Matcher.regex("__name__", ".+")));
                while (set.next()) {
                    Series s = set.at();
                    ChunkIterator it = s.iterator(null);
                    while (it.next()) {
                        Double before = got.series.computeIfAbsent(s.labels().toString(), k -> new TreeMap<>())
                                .put(it.atT(), it.atV());
                        if (before != null) {
                            throw new AssertionError("sample " + s.labels() + " @" + it.atT() + " in two live blocks");
                        }
                    }
                }
            }
        }
        return got;
    }

    /** Every object of the bucket with its size: a picture to compare before and after a failed run. */
    static Map<String, Long> objects(Bucket bucket) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        for (String name : bucket.list("", true)) {
            ObjectAttributes a = bucket.attributes(name);
            out.put(name, a.size());
        }
        return out;
    }

    static String read(Bucket b, String name) throws IOException {
        try (InputStream in = b.get(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
