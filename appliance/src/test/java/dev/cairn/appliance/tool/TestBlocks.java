package dev.cairn.appliance.tool;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.block.MetaJson;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.bucket.Bucket;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.ship.Upload;
import dev.cairn.tsdb.testing.Samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Blocks written with the tsdb's BlockWriter and uploaded as a shipper would. */
final class TestBlocks {
    /** 2024-01-01T00:00:00Z. */
    static final long T0 = 1_704_067_200_000L;
    static final long H = 3_600_000L;
    static final String[] METRICS = {"http_requests_total", "node_load1", "up"};

    private TestBlocks() {
    }

    /**
     * A block over [mint, maxt) with a sample every {@code stepMs} for each of {@link #METRICS}, uploaded with
     * {@code external} labels from {@code source}; {@code resolution} other than 0 labels it as downsampled.
     */
    static BlockMeta upload(Bucket bucket, Path tmp, Map<String, String> external, long mint, long maxt, long stepMs,
                            String source, long resolution) throws IOException {
        Path local = Files.createTempDirectory(tmp, "local");
        Ulid id = Ulid.generate();
        try (BlockWriter w = BlockWriter.create(local, BlockWriter.Options.defaults().withUlid(id).withRange(mint, maxt))) {
            for (String metric : METRICS) {
                Labels l = Labels.of("__name__", metric, "instance", "vm-1:9100");
                Samples s = new Samples(l);
                for (long t = mint; t < maxt; t += stepMs) {
                    s.add(t, (t / 1000) % 977 + metric.length());
                }
                w.addSeries(l, s.iterator(null));
            }
            w.commit();
        }
        Path dir = local.resolve(id.toString());
        if (resolution != 0) {
            BlockMeta m = MetaJson.read(dir);
            MetaJson.write(dir, m.withThanos(new ThanosMeta(external, resolution, source)));
        }
        return Upload.upload(bucket, dir, Upload.Options.of(external, source));
    }
}
