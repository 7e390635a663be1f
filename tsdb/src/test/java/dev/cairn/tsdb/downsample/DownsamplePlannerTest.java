package dev.cairn.tsdb.downsample;

import dev.cairn.tsdb.block.BlockCompaction;
import dev.cairn.tsdb.block.BlockMeta;
import dev.cairn.tsdb.block.BlockStats;
import dev.cairn.tsdb.block.ThanosMeta;
import dev.cairn.tsdb.block.Ulid;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DownsamplePlannerTest {
    private static final long H = 3_600_000L;

    private static BlockMeta meta(long spanMs, long res, Ulid... sources) {
        Ulid id = Ulid.generate();
        List<Ulid> src = sources.length == 0 ? List.of(id) : List.of(sources);
        return new BlockMeta(id, 0, spanMs, BlockStats.EMPTY,
            new BlockCompaction(2, src, false, List.of(), false, List.of()), 1,
            new ThanosMeta(Map.of("dc", "x"), res, ThanosMeta.SOURCE_COMPACTOR));
    }

    @Test
    void plan_rawBlocksOf40hOrMore_goTo5m_shorterOnesWait() {
        BlockMeta longRaw = meta(40 * H, 0);
        BlockMeta shortRaw = meta(40 * H - 1, 0);
        List<DownsamplePlanner.Job> jobs = DownsamplePlanner.plan(List.of(shortRaw, longRaw));
        assertEquals(List.of(new DownsamplePlanner.Job(longRaw, Downsampler.RES_5M)), jobs);
    }

    @Test
    void plan_5mBlocksOf10DaysOrMore_goTo1h_and1hBlocksAreFinal() {
        BlockMeta long5m = meta(240 * H, Downsampler.RES_5M);
        BlockMeta short5m = meta(240 * H - 1, Downsampler.RES_5M);
        BlockMeta oneHour = meta(1000 * H, Downsampler.RES_1H);
        assertEquals(List.of(new DownsamplePlanner.Job(long5m, Downsampler.RES_1H)),
            DownsamplePlanner.plan(List.of(oneHour, short5m, long5m)));
    }

    @Test
    void plan_blockWhoseSourcesAreAllDownsampled_isSkipped_partialCoverageIsNot() {
        Ulid a = Ulid.generate();
        Ulid b = Ulid.generate();
        BlockMeta raw = meta(48 * H, 0, a, b);
        BlockMeta done = meta(48 * H, Downsampler.RES_5M, a, b);
        assertEquals(List.of(), DownsamplePlanner.plan(List.of(raw, done)), "raw is covered; a 48h 5m block is too short for 1h");
        BlockMeta partial = meta(48 * H, Downsampler.RES_5M, a);
        assertEquals(List.of(new DownsamplePlanner.Job(raw, Downsampler.RES_5M)), DownsamplePlanner.plan(List.of(raw, partial)));
    }

    @Test
    void plan_unknownResolution_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> DownsamplePlanner.plan(List.of(meta(48 * H, 60_000))));
    }

    @Test
    void forFunction_picksTheAggregateThanosPicks() {
        assertEquals(AggrRead.MIN, AggrRead.forFunction("min_over_time"));
        assertEquals(AggrRead.MIN, AggrRead.forFunction("min"));
        assertEquals(AggrRead.MAX, AggrRead.forFunction("max_over_time"));
        assertEquals(AggrRead.COUNT, AggrRead.forFunction("count_over_time"));
        assertEquals(AggrRead.SUM, AggrRead.forFunction("sum_over_time"));
        assertEquals(AggrRead.AVERAGE, AggrRead.forFunction("sum"), "sum across series wants real values");
        assertEquals(AggrRead.COUNTER, AggrRead.forFunction("rate"));
        assertEquals(AggrRead.COUNTER, AggrRead.forFunction("increase"));
        assertEquals(AggrRead.COUNTER, AggrRead.forFunction("resets"));
        assertEquals(AggrRead.AVERAGE, AggrRead.forFunction("avg_over_time"));
        assertEquals(AggrRead.AVERAGE, AggrRead.forFunction(""));
        assertEquals(AggrRead.AVERAGE, AggrRead.forFunction(null));
    }
}
