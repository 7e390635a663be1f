package dev.cairn.appliance.store;

import dev.cairn.tsdb.chunk.Chunk;
import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.downsample.AggrRead;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.PostingsForMatchers;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A select on one bucket block, in three batched rounds of ranged reads as Thanos's store gateway
 * does: the postings of the matchers, then the series entries they point at, then the chunks of
 * those series that overlap [mint, maxt].
 *
 * <p>External labels: a matcher on one of the block's external labels is decided against the
 * block's value (it rules the whole block in or out) and not looked up in the index; the series come
 * out with the external labels added (overriding a stored label of the same name, as Thanos) and
 * sorted again, since adding labels can change their order.
 */
final class BlockSelect {
    private BlockSelect() {
    }

    /** The matchers left for the index, or null when an external-label matcher rules the block out. */
    static List<Matcher> local(BucketBlock b, List<Matcher> matchers) {
        List<Matcher> out = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            if (b.external().has(m.name())) {
                if (!m.matches(b.external().get(m.name()))) {
                    return null;
                }
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** Series refs the matchers select (all series when only external labels were matched). */
    static long[] refs(BucketBlock b, List<Matcher> local, boolean matchedExternal) throws IOException {
        Postings p;
        if (local.isEmpty()) {
            if (!matchedExternal) {
                return new long[0]; // no matchers select nothing, as Prometheus
            }
            p = b.allPostings();
        } else {
            p = PostingsForMatchers.select(new BucketIndex(b), local);
        }
        return BucketBlock.expand(p);
    }

    static List<StoreSeries> select(BucketBlock b, List<Matcher> matchers, long mint, long maxt, AggrRead read)
            throws IOException {
        List<Matcher> local = local(b, matchers);
        if (local == null) {
            return List.of();
        }
        long[] refs = refs(b, local, !matchers.isEmpty());
        if (refs.length == 0) {
            return List.of();
        }
        List<BucketBlock.Entry> entries = b.series(refs);
        List<BucketBlock.Entry> kept = new ArrayList<>(entries.size());
        List<long[]> keptChunks = new ArrayList<>(entries.size());
        int total = 0;
        for (BucketBlock.Entry e : entries) {
            int n = 0;
            for (ChunkMeta cm : e.chunks()) {
                if (cm.maxTime() >= mint && cm.minTime() <= maxt) {
                    n++;
                }
            }
            if (n == 0) {
                continue;
            }
            long[] cs = new long[2 * n];
            int k = 0;
            for (ChunkMeta cm : e.chunks()) {
                if (cm.maxTime() >= mint && cm.minTime() <= maxt) {
                    cs[2 * k] = cm.ref();
                    cs[2 * k + 1] = cm.maxTime();
                    k++;
                }
            }
            kept.add(e);
            keptChunks.add(cs);
            total += n;
        }
        long[] allRefs = new long[total];
        int at = 0;
        for (long[] cs : keptChunks) {
            for (int i = 0; i < cs.length; i += 2) {
                allRefs[at++] = cs[i];
            }
        }
        Map<Long, Chunk> chunks = b.chunks(allRefs);
        List<StoreSeries> out = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            long[] cs = keptChunks.get(i);
            Chunk[] cc = new Chunk[cs.length / 2];
            long[] maxTimes = new long[cs.length / 2];
            for (int k = 0; k < cc.length; k++) {
                cc[k] = chunks.get(cs[2 * k]);
                maxTimes[k] = cs[2 * k + 1];
            }
            out.add(new StoreSeries(withExternal(kept.get(i).labels(), b.external()), cc, maxTimes, mint, maxt, read));
        }
        if (!b.external().isEmpty()) {
            out.sort((x, y) -> Utf8Order.LABELS.compare(x.labels(), y.labels()));
        }
        return out;
    }

    /** Labels (with the external ones) of the series the matchers select; no chunk is read. */
    static List<Labels> labels(BucketBlock b, List<Matcher> matchers) throws IOException {
        List<Matcher> local = local(b, matchers);
        if (local == null) {
            return List.of();
        }
        long[] refs = refs(b, local, !matchers.isEmpty());
        List<Labels> out = new ArrayList<>(refs.length);
        for (BucketBlock.Entry e : b.series(refs)) {
            out.add(withExternal(e.labels(), b.external()));
        }
        return out;
    }

    static Labels withExternal(Labels l, Labels external) {
        if (external.isEmpty()) {
            return l;
        }
        Labels.Builder bl = l.toBuilder();
        external.forEach(bl::set);
        return bl.build();
    }
}
