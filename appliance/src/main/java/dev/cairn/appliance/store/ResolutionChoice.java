package dev.cairn.appliance.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/*
 * Which blocks answer a query over [mint, maxt] that accepts data up to resolution maxRes (ms), as
 * Thanos's bucketBlockSet.getFor: among the resolutions <= maxRes take the coarsest, walk its blocks
 * in time order, and fill each gap before, between and after them recursively with the next finer
 * resolution, down to raw. So a range query with a large step reads 5m or 1h blocks where they exist
 * and raw blocks elsewhere (recent data is not downsampled yet), and maxRes = 0 reads raw data only.
 *
 * One step beyond Thanos: a gap that no block <= maxRes covers is filled with the finest coarser
 * blocks there are. Raw blocks are deleted before downsampled ones (retention per resolution), and
 * Thanos then answers an instant query over old data with nothing; an approximate answer is better.
 *
 * Each chosen block comes with the part of the query range it answers, so that resolutions never
 * overlap: a finer block filling a gap is clipped to the gap.
 *
 * Blocks are chosen per external label set (one producer's stream), as Thanos keeps one block set per
 * label set: two producers' blocks never stand in for each other.
 */
final class ResolutionChoice {
    private ResolutionChoice() {
    }

    /** A block and the part [mint, maxt] (inclusive) of the query it answers. */
    record Choice(BucketBlock block, long mint, long maxt) {
    }

    static List<Choice> choose(List<BucketBlock> blocks, long mint, long maxt, long maxRes) {
        Map<String, List<BucketBlock>> byLabels = new TreeMap<>();
        for (BucketBlock b : blocks) {
            byLabels.computeIfAbsent(b.external().toString(), k -> new ArrayList<>()).add(b);
        }
        List<Choice> out = new ArrayList<>();
        for (List<BucketBlock> group : byLabels.values()) {
            out.addAll(chooseInGroup(group, mint, maxt, maxRes));
        }
        return out;
    }

    private static List<Choice> chooseInGroup(List<BucketBlock> blocks, long mint, long maxt, long maxRes) {
        // resolutions finest first, each with its blocks by time
        TreeMap<Long, List<BucketBlock>> byRes = new TreeMap<>();
        for (BucketBlock b : blocks) {
            byRes.computeIfAbsent(b.resolution(), k -> new ArrayList<>()).add(b);
        }
        for (List<BucketBlock> l : byRes.values()) {
            l.sort(Comparator.comparingLong((BucketBlock b) -> b.meta().minTime()).thenComparing(BucketBlock::id));
        }
        List<Long> accepted = new ArrayList<>(byRes.headMap(maxRes, true).descendingKeySet());
        List<Choice> out = new ArrayList<>();
        fill(byRes, accepted, 0, mint, maxt, out);
        // fallback: what no accepted resolution covers, from the finest coarser one that does
        List<Long> coarser = new ArrayList<>(byRes.tailMap(maxRes, false).keySet());
        if (!coarser.isEmpty()) {
            for (long[] gap : gaps(out, mint, maxt)) {
                for (long res : coarser) {
                    List<Choice> got = new ArrayList<>();
                    fill(byRes, List.of(res), 0, gap[0], gap[1], got);
                    if (!got.isEmpty()) {
                        out.addAll(got);
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** Thanos's getFor over {@code resolutions} (coarsest first) from index {@code i}. */
    private static void fill(TreeMap<Long, List<BucketBlock>> byRes, List<Long> resolutions, int i, long mint,
                             long maxt, List<Choice> out) {
        if (i >= resolutions.size() || mint > maxt) {
            return;
        }
        long start = mint;
        for (BucketBlock b : byRes.get(resolutions.get(i))) {
            if (b.meta().maxTime() <= mint) {
                continue;
            }
            if (b.meta().minTime() > maxt) {
                break;
            }
            fill(byRes, resolutions, i + 1, start, b.meta().minTime() - 1, out);
            long from = Math.max(mint, b.meta().minTime()); // same-resolution overlaps both answer
            long to = Math.min(maxt, b.meta().maxTime() - 1);
            if (from <= to) {
                out.add(new Choice(b, from, to));
            }
            start = Math.max(start, b.meta().maxTime());
        }
        fill(byRes, resolutions, i + 1, start, maxt, out);
    }

    /** Parts of [mint, maxt] that no block of {@code chosen} covers. */
    private static List<long[]> gaps(List<Choice> chosen, long mint, long maxt) {
        TreeSet<long[]> ranges = new TreeSet<>(Comparator.comparingLong((long[] r) -> r[0]).thenComparingLong(r -> r[1]));
        for (Choice c : chosen) {
            ranges.add(new long[] {c.mint(), c.maxt()});
        }
        List<long[]> out = new ArrayList<>();
        long at = mint;
        for (long[] r : ranges) {
            if (r[0] > at) {
                out.add(new long[] {at, Math.min(r[0] - 1, maxt)});
            }
            at = Math.max(at, r[1] + 1);
            if (at > maxt) {
                break;
            }
        }
        if (at <= maxt) {
            out.add(new long[] {at, maxt});
        }
        out.removeIf(g -> g[0] > g[1]);
        return out;
    }
}
