package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.ChunkSeriesCursor;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.testing.Samples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.DoubleBinaryOperator;

/** Random raw series (counters with resets, gauges; gaps, NaN, stale markers) and per-window folds. */
final class DownsamplingFixture {
    private DownsamplingFixture() {
    }

    /** Series sorted by labels, over [start, start + span). */
    static List<Samples> randomSeries(Random r, int count, long start, long span) {
        List<Samples> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            boolean counter = s % 2 == 0;
            Labels l = Labels.of("__name__", counter ? "requests_total" : "temperature", "id", String.format("%03d", s));
            Samples x = new Samples(l);
            long step = 10_000 + r.nextInt(50_000);
            double v = counter ? r.nextInt(1000) : r.nextGaussian() * 100;
            for (long t = start + r.nextInt(60_000); t < start + span; t += step + r.nextInt(2_000)) {
                if (r.nextInt(2000) == 0) {
                    t += (1 + r.nextInt(180)) * 60_000L; // a scrape gap of up to 3 hours
                    if (t >= start + span) {
                        break;
                    }
                }
                int dice = r.nextInt(400);
                if (dice == 0) {
                    x.add(t, Samples.STALE_NAN);
                    continue;
                }
                if (dice == 1) {
                    x.add(t, Double.NaN);
                    continue;
                }
                if (counter) {
                    v = r.nextInt(300) == 0 ? r.nextInt(50) : v + r.nextInt(100) * 0.5;
                } else {
                    v += r.nextGaussian() * 3;
                }
                x.add(t, v);
            }
            out.add(x);
        }
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    /** The aggregate chunks of every series of a downsampled block, by labels. */
    static Map<Labels, List<AggrChunk>> aggrChunks(Block b) {
        Map<Labels, List<AggrChunk>> out = new LinkedHashMap<>();
        ChunkSeriesCursor cur = b.chunkSeries();
        while (cur.next()) {
            List<AggrChunk> l = new ArrayList<>();
            long[] c = cur.chunks();
            for (int i = 0; i < c.length; i += 3) {
                AggrChunk a = AggrChunk.of(b.chunks().chunk(c[i]));
                l.add(a);
            }
            out.put(cur.labels(), l);
        }
        return out;
    }

    /** Folds values per window index floor(t / width). */
    static TreeMap<Long, Double> fold(ChunkIterator it, long width, DoubleBinaryOperator op) {
        TreeMap<Long, Double> out = new TreeMap<>();
        for (int guard = 0; it.next(); guard++) {
            if (guard > 10_000_000) {
                throw new AssertionError("iterator does not end");
            }
            out.merge(Math.floorDiv(it.atT(), width), it.atV(), op::applyAsDouble);
        }
        return out;
    }

    /** Raw samples without stale markers and NaN, as downsampling sees them. */
    static Samples clean(Samples s) {
        Samples out = new Samples(s.labels());
        for (int i = 0; i < s.size(); i++) {
            if (!Double.isNaN(s.v(i))) {
                out.add(s.t(i), s.v(i));
            }
        }
        return out;
    }

    /** The raw counter with resets added back (Prometheus's increase semantics), per raw sample. */
    static double[] cumulative(Samples clean) {
        double[] c = new double[clean.size()];
        for (int i = 0; i < clean.size(); i++) {
            if (i == 0) {
                c[i] = clean.v(0);
            } else {
                double d = clean.v(i) - clean.v(i - 1);
                c[i] = c[i - 1] + (d >= 0 ? d : clean.v(i));
            }
        }
        return c;
    }

    static final DoubleBinaryOperator SUM = Double::sum;
    static final DoubleBinaryOperator MIN = Math::min;
    static final DoubleBinaryOperator MAX = Math::max;
    static final DoubleBinaryOperator LAST = (a, b) -> b;
}
