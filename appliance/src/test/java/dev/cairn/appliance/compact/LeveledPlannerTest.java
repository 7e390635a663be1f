package dev.cairn.appliance.compact;

import dev.cairn.tsdb.block.BlockCompaction;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockStats;
import dev.cairn.tsdb.block.Ulid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.cairn.appliance.compact.CompactorTestSupport.H;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LeveledPlannerTest {
    private final LeveledPlanner planner = new LeveledPlanner(List.of(2 * H, 8 * H, 48 * H, 14 * 24 * H));

    private static BlockMeta block(long minH, long maxH) {
        Ulid id = Ulid.generate();
        return new BlockMeta(id, minH * H, maxH * H, BlockStats.EMPTY, BlockCompaction.level1(id), 1, null);
    }

    private List<String> plan(List<BlockMeta> blocks, Set<Ulid> excluded) {
        List<String> out = new ArrayList<>();
        for (BlockMeta m : planner.plan(blocks, excluded)) {
            out.add(m.minTime() / H + "-" + m.maxTime() / H);
        }
        return out;
    }

    @Test
    void plan_fourOf2hFillingAWindow_butNewestLeftOut() {
        assertEquals(List.of(), plan(List.of(block(0, 2), block(2, 4), block(4, 6), block(6, 8)), Set.of()),
                "the newest block (6-8) is left out, so the window is not full and nothing is after it");
        assertEquals(List.of("0-2", "2-4", "4-6", "6-8"),
                plan(List.of(block(6, 8), block(0, 2), block(2, 4), block(4, 6), block(8, 10)), Set.of()));
    }

    @Test
    void plan_partWindowFollowedByANewerBlock_isCompacted() {
        // 0-2 and 2-4 can never be joined by more blocks of their window once 8-10 exists... and 10-12 is newest
        assertEquals(List.of("0-2", "2-4"), plan(List.of(block(0, 2), block(2, 4), block(8, 10), block(10, 12)), Set.of()));
    }

    @Test
    void plan_overlapping_comeFirst() {
        assertEquals(List.of("4-6", "5-7", "6-8"),
                plan(List.of(block(0, 2), block(2, 4), block(4, 6), block(5, 7), block(6, 8), block(8, 10),
                        block(20, 22)), Set.of()));
    }

    @Test
    void plan_excludedBlock_splitsItsWindowWithoutSpanningIt() {
        BlockMeta bad = block(2, 4);
        assertEquals(List.of("4-6", "6-8"),
                plan(List.of(block(0, 2), bad, block(4, 6), block(6, 8), block(8, 10)), Set.of(bad.ulid())));
        BlockMeta bad2 = block(4, 6);
        assertEquals(List.of("0-2", "2-4"),
                plan(List.of(block(0, 2), block(2, 4), bad2, block(6, 8), block(8, 10)), Set.of(bad2.ulid())));
    }

    @Test
    void plan_overlapWithAnExcludedBlock_isNotPlanned() {
        BlockMeta bad = block(1, 3);
        assertEquals(List.of(), plan(List.of(block(0, 2), bad, block(20, 22)), Set.of(bad.ulid())));
    }

    @Test
    void plan_bigBlocksAlreadyAtARange_goUpALevel() {
        assertEquals(List.of("0-8", "8-16", "16-24", "24-32", "32-40", "40-48"),
                plan(List.of(block(0, 8), block(8, 16), block(16, 24), block(24, 32), block(32, 40), block(40, 48),
                        block(48, 50)), Set.of()));
    }
}
