package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.Ulid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Picks the blocks of one compaction group to compact next, with the rules of Thanos's
 * {@code tsdbBasedPlanner} (itself Prometheus's leveled planner without a filesystem):
 * <ol>
 *   <li>If blocks overlap in time, the first run of overlapping blocks (by minTime) is compacted
 *       vertically, before anything else.</li>
 *   <li>Otherwise the block with the greatest minTime is left out (it may have just arrived; its range
 *       may still fill), and for each range above the first (8h, 2d, 14d) the blocks are split into
 *       aligned windows of that range; the first window with two or more blocks that either spans the
 *       whole range or ends before the newest block starts is compacted.</li>
 * </ol>
 * Blocks marked "no compact" are never chosen, but they stay in the windows so that no result spans
 * across one (which would overlap it), as in Thanos.
 * The tombstone rule of Thanos (compact a big block with more than 5% tombstones) is not applied:
 * blocks in a bucket carry no tombstones in the Thanos layout.
 */
final class LeveledPlanner {
    private final long[] ranges;

    /** {@code ranges}: block ranges in ms, ascending, the first being the producers' block range (2h). */
    LeveledPlanner(List<Long> ranges) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("compaction ranges are empty (expected e.g. 2h, 8h, 2d, 14d)");
        }
        this.ranges = new long[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            this.ranges[i] = ranges.get(i);
            if (this.ranges[i] <= 0 || (i > 0 && this.ranges[i] <= this.ranges[i - 1])) {
                throw new IllegalArgumentException("compaction ranges " + ranges + " (expected positive and ascending)");
            }
        }
    }

    /**
     * The blocks to compact into one, sorted by minTime, or an empty list when nothing is due.
     *
     * @param group     the blocks of one group (any order)
     * @param excluded  ULIDs never to choose (no-compact marks)
     */
    List<BlockMeta> plan(List<BlockMeta> group, Set<Ulid> excluded) {
        List<BlockMeta> all = new ArrayList<>(group);
        all.sort(Comparator.comparingLong(BlockMeta::minTime).thenComparing(BlockMeta::ulid));
        List<BlockMeta> usable = new ArrayList<>();
        for (BlockMeta m : all) {
            if (!excluded.contains(m.ulid())) {
                usable.add(m);
            }
        }
        List<BlockMeta> overlapping = overlapping(usable);
        if (!overlapping.isEmpty()) {
            return overlapping;
        }
        if (all.size() < 2) {
            return List.of();
        }
        return select(all.subList(0, all.size() - 1), excluded);
    }

    /** The first run of blocks whose ranges overlap ([minTime, maxTime) sharing a millisecond). */
    static List<BlockMeta> overlapping(List<BlockMeta> byMinTime) {
        List<BlockMeta> out = new ArrayList<>();
        if (byMinTime.size() < 2) {
            return out;
        }
        long maxt = byMinTime.get(0).maxTime();
        for (int i = 1; i < byMinTime.size(); i++) {
            BlockMeta m = byMinTime.get(i);
            if (m.minTime() < maxt) {
                if (out.isEmpty()) {
                    out.add(byMinTime.get(i - 1));
                }
                out.add(m);
            } else if (!out.isEmpty()) {
                break;
            }
            maxt = Math.max(maxt, m.maxTime());
        }
        return out;
    }

    /**
     * Excluded blocks stay in the windows (so a window's span is what it would be without the marks, and
     * no new block spans across an excluded one, which would make them overlap); a due window yields its
     * first run of two or more blocks between excluded ones, as Thanos's selectMetas.
     */
    private List<BlockMeta> select(List<BlockMeta> byMinTime, Set<Ulid> excluded) {
        if (ranges.length < 2 || byMinTime.isEmpty()) {
            return List.of();
        }
        long highTime = byMinTime.get(byMinTime.size() - 1).minTime();
        for (int r = 1; r < ranges.length; r++) {
            long range = ranges[r];
            for (List<BlockMeta> part : splitByRange(byMinTime, range)) {
                if (part.size() < 2) {
                    continue;
                }
                long mint = part.get(0).minTime();
                long maxt = part.get(part.size() - 1).maxTime();
                // A window is due when it is full, or when a newer block exists after it (it cannot fill any more).
                if (maxt - mint != range && maxt > highTime) {
                    continue;
                }
                int from = 0;
                for (int i = 0; i < part.size(); i++) {
                    if (excluded.contains(part.get(i).ulid())) {
                        if (i - from > 1) {
                            return part.subList(from, i);
                        }
                        from = i + 1;
                    }
                }
                if (part.size() - from > 1) {
                    return part.subList(from, part.size());
                }
            }
        }
        return List.of();
    }

    /**
     * Splits blocks (by minTime) into windows of {@code range} aligned to 0; a block that does not fit in
     * the window of its minTime (misaligned, or already that big) is in none.
     */
    static List<List<BlockMeta>> splitByRange(List<BlockMeta> byMinTime, long range) {
        List<List<BlockMeta>> out = new ArrayList<>();
        int i = 0;
        while (i < byMinTime.size()) {
            BlockMeta m = byMinTime.get(i);
            long t0 = Math.floorDiv(m.minTime(), range) * range;
            if (m.maxTime() > t0 + range) {
                i++;
                continue;
            }
            List<BlockMeta> window = new ArrayList<>();
            while (i < byMinTime.size() && byMinTime.get(i).maxTime() <= t0 + range) {
                window.add(byMinTime.get(i));
                i++;
            }
            out.add(window);
        }
        return out;
    }
}
